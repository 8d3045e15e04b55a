/** porthole-host's exit codes, listed in --help so that scripts can tell the cases apart. */
export const EXIT = {
  /** The command did what was asked (a share ran until Ctrl-C or --minutes). */
  ok: 0,
  /** It was tried and failed: the share failed, install could not write, doctor found a problem. */
  failed: 1,
  /** The command line (or the password given) is wrong; nothing was started. */
  usage: 2,
  /** No cloudflared to run; the message says how to get one. */
  cloudflaredMissing: 3,
  /** Ctrl-C at the password prompt, as shells report an interrupted command (128 + SIGINT). */
  interrupted: 130,
} as const;
