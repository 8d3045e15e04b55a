import { HOST_VERSION } from '../version.js';
import { EXIT } from './exit-codes.js';
import { PASSWORD_ENV } from './share-args.js';

export const USAGE = `Porthole host ${HOST_VERSION}: shares a page on this computer through a Cloudflare tunnel.

Usage:
  porthole-host share <port | address> [options]
      Shares http://localhost:<port> (or the local address given: localhost:5173, 0.0.0.0:8000,
      https://localhost:8443/path) until Ctrl-C. The public URL alone goes to stdout, progress and
      each visitor's request to stderr.
      --password          ask visitors for a password; you type it at the prompt (nothing is shown)
      --password-stdin    read the password from the first line of standard input
      ${PASSWORD_ENV}   (environment) the password, when neither option is given
      --minutes <n>       stop the share after n minutes (fractions allowed, at most one week)
      --keep-host         pass the public Host header to your server instead of localhost:<port>
      --stable            a stable address on your own Cloudflare domain (after porthole-host
                          login): https://<name>.<your domain>, the same every time
      --name <name>       with --stable: the name before your domain (letters, digits, hyphens);
                          default: the one this server had last time, else app-<port>
      The password is never taken on the command line (--password <value>): every user of this
      computer can read command lines in the process list.
  porthole-host share <folder | file> [options]
      Serves a folder (./dist), or a file's folder with the link pointing at the file
      (./report.html), from a static server on this computer; the same options as above, and:
      --spa               unknown paths get the folder's index.html (single-page apps)
      --listing           a folder without index.html shows its files
      --dotfiles          serve names starting with a dot (.env, .git are hidden by default)
      Nothing outside the folder is ever served, symbolic links out of it included.
  porthole-host login          connect your Cloudflare account for stable addresses: opens
      Cloudflare's login page, where you pick the domain (a free account with a domain on it)
  porthole-host logout         remove what Porthole created in that account (its tunnel and its
      DNS records, nothing else) and the certificate
  porthole-host install [--browser <name>[,<name>…] | all]
      register this host with your browsers (default: every browser found for this user)
      browsers: chrome, chromium, edge, brave, vivaldi, opera, firefox
  porthole-host uninstall      remove exactly what install wrote, and the folders it created
  porthole-host doctor         show what is registered where, the cloudflared in use and the log file
  porthole-host --version      print the version
  porthole-host --help         print this help

Exit codes:
  ${EXIT.ok}    done: the share ran until Ctrl-C or --minutes; the command succeeded
  ${EXIT.failed}    it failed: the share could not start or stopped on an error; install could not
       write; doctor found something to fix
  ${EXIT.usage}    wrong arguments or password input; nothing was started
  ${EXIT.cloudflaredMissing}    cloudflared was not found (the message says how to get it)
  ${EXIT.interrupted}  Ctrl-C at the password prompt

Browsers start porthole-host themselves (native messaging host "dev.porthole.host");
you only run it by hand to share from a terminal.
`;
