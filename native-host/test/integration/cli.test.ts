/**
 * porthole-host as a person runs it in a terminal: the built executable, spawned for real, its
 * argument errors, its password input (issue 9) and its install → doctor → uninstall round trip
 * (issue 12).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../src/protocol/extension-ids.js';
import { EdgeRouter } from '../fake-cloudflared/edge-router.js';
import { fetchThroughEdge, readFakeStates, waitForFakeState } from '../fake-cloudflared/state.js';
import { HOST_BINARY, isAlive, startOrigin, waitUntil } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
let origin: Awaited<ReturnType<typeof startOrigin>>;
let router: EdgeRouter;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  origin = await startOrigin('<h1>hello from localhost</h1>');
  router = await EdgeRouter.start();
});
afterAll(() => {
  origin.server.close();
  router.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An environment with no cloudflared anywhere: not in $PORTHOLE_CLOUDFLARED, not beside the host, not on PATH. */
function noCloudflaredEnv(): NodeJS.ProcessEnv {
  const { PORTHOLE_PASSWORD: _ignored, ...rest } = process.env;
  return { ...rest, PORTHOLE_CLOUDFLARED: '', PATH: '/nonexistent', PORTHOLE_STATE_DIR: tempDir('porthole-cli-state-') };
}

describe('argument errors are reported as such, before cloudflared is looked for', () => {
  it.each([
    [['share', '99999'], 'Port 99999 is out of range (1–65535)'],
    [['share', '0'], 'Port 0 is out of range (1–65535)'],
    [['share', 'localhost:70000'], 'Port 70000 is out of range (1–65535) in localhost:70000.'],
    [['share'], 'porthole-host share needs the port or address of your local server'],
    [['share', '3000', '4000'], 'porthole-host share takes one port or address, not 2'],
    [['share', '3000', '--minutes', 'abc'], '--minutes must be a number of minutes above 0'],
    [['share', '3000', '--minutes', '0'], '--minutes must be a number of minutes above 0'],
    [['share', '3000', '--minutes'], '--minutes needs a value: --minutes <n>.'],
    [['share', '3000', '--colour'], 'Unknown option --colour for porthole-host share.'],
    [['share', '3000', '--minute', '5'], 'Unknown option --minute for porthole-host share. Did you mean --minutes?'],
    [['share', 'example.com:80'], 'example.com is not this computer.'],
    [
      ['share', '3000', '--password', 'hunter2'],
      'The share password is not taken on the command line: every user of this computer can read a command line',
    ],
    [['share', '3000', '--password=hunter2'], 'The share password is not taken on the command line'],
    [['share', '3000', '--password'], '--password asks for the password at a terminal, and standard input is not one here'],
    [['share', '3000', '--password-stdin'], 'The password read from standard input is empty'],
    [
      ['install', '--browser', 'netscape'],
      'Unknown browser "netscape". Choose from chrome, chromium, edge, brave, vivaldi, opera, firefox, or all.',
    ],
    [['install', '--colour'], 'Unknown option --colour for porthole-host install.'],
    [['install', 'chrome'], 'porthole-host install takes no arguments (got chrome); name browsers with --browser chrome,firefox.'],
    [['uninstall', '--all'], 'Unknown option --all for porthole-host uninstall. porthole-host uninstall takes no options.'],
    [['doctor', 'now'], 'porthole-host doctor takes no arguments (got now).'],
    [
      ['frobnicate'],
      'Unknown command "frobnicate". porthole-host knows share, login, logout, install, uninstall, doctor, --version, --help.',
    ],
  ])('%j', (args, message) => {
    const run = spawnSync(HOST_BINARY, args, { env: noCloudflaredEnv(), input: '', encoding: 'utf8', timeout: 10_000 });
    expect(run.stderr).toContain(`✗ ${message}`);
    expect(run.stderr.match(/See porthole-host --help\./g)).toHaveLength(1);
    expect(run.stderr).not.toMatch(/cloudflared/);
    expect(run.stderr).not.toMatch(/expiresInMinutes|null|undefined|hunter2/);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(2);
  });

  it('a correct command without cloudflared says so, with its own exit code', () => {
    const run = spawnSync(HOST_BINARY, ['share', '0.0.0.0:8000', '--minutes', '5'], {
      env: noCloudflaredEnv(),
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(run.stderr).toMatch(/✗ cloudflared was not found \(looked at \$PORTHOLE_CLOUDFLARED/);
    expect(run.status).toBe(3);
  });

  it('share --help prints the help, whatever else is on the line', () => {
    const run = spawnSync(HOST_BINARY, ['share', '99999', '--help'], { env: noCloudflaredEnv(), encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Porthole host .*\n\nUsage:/);
  });

  it('--help documents the password sources and the exit codes', () => {
    const run = spawnSync(HOST_BINARY, ['--help'], { env: noCloudflaredEnv(), encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/--password-stdin/);
    expect(run.stdout).toMatch(/PORTHOLE_PASSWORD/);
    expect(run.stdout).toMatch(/never taken on the command line/);
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n.*\n {2}2 .*\n {2}3 .*cloudflared was not found.*\n {2}130 /);
  });
});

interface CliRun {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
  fakeDir: string;
  stateDir: string;
}

function runShare(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): CliRun {
  const stateDir = tempDir('porthole-cli-');
  const fakeDir = join(stateDir, 'fake');
  router.watch(fakeDir);
  const { PORTHOLE_PASSWORD: _ignored, ...inherited } = process.env;
  const child = spawn(HOST_BINARY, ['share', ...args], {
    env: {
      ...inherited,
      PORTHOLE_CLOUDFLARED: fakeCloudflared,
      PORTHOLE_STATE_DIR: stateDir,
      FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
      ...router.probeEnv,
      ...options.env,
    },
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    for (const state of await readFakeStates(fakeDir)) if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  });
  return { child, output, exited, fakeDir, stateDir };
}

const basic = (password: string): string => `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`;

/** What every process can read of another of the same user: its command line and its environment. */
function procText(pid: number, file: 'cmdline' | 'environ'): string {
  return readFileSync(`/proc/${pid}/${file}`, 'utf8');
}

async function expectPasswordProtected(run: CliRun, password: string): Promise<void> {
  await waitUntil(() => run.output.stderr.includes('✓ live'), 15_000, `the CLI says live; stderr: ${run.output.stderr}`);
  expect(run.output.stderr).toMatch(/after giving the password/);
  const fake = await waitForFakeState(run.fakeDir, (s) => s.registered);
  expect((await fetchThroughEdge(fake, '/')).status).toBe(401);
  expect((await fetchThroughEdge(fake, '/', { headers: { authorization: basic(password) } })).body).toBe('<h1>hello from localhost</h1>');
  // Neither cloudflared's command line nor its environment carries the password.
  expect(procText(fake.pid, 'cmdline')).not.toContain(password);
  expect(procText(fake.pid, 'environ')).not.toContain(password);
  expect(procText(fake.pid, 'environ')).not.toContain('PORTHOLE_PASSWORD');
  expect(procText(run.child.pid!, 'cmdline')).not.toContain(password);
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  // Nor does the log.
  expect(readFileSync(join(run.stateDir, 'host.log'), 'utf8')).not.toContain(password);
  expect(run.output.stderr + run.output.stdout).not.toContain(password);
}

describe('the share password, never in argv (issue 9)', () => {
  it('from PORTHOLE_PASSWORD', async () => {
    const run = runShare([String(origin.port)], { env: { PORTHOLE_PASSWORD: 'env-secret-4711' } });
    await expectPasswordProtected(run, 'env-secret-4711');
    expect(run.output.stderr).toContain('… visitors need the password from PORTHOLE_PASSWORD');
  });

  it('from --password-stdin (the first line)', async () => {
    const run = runShare([String(origin.port), '--password-stdin'], { stdin: 'piped-secret-0815\nignored\n' });
    await expectPasswordProtected(run, 'piped-secret-0815');
  });

  it('from the hidden prompt at a terminal, which shows nothing of what is typed', async () => {
    // util-linux `script` gives the host a real terminal; what the terminal shows comes back on stdout.
    const stateDir = tempDir('porthole-cli-tty-');
    const fakeDir = join(stateDir, 'fake');
    router.watch(fakeDir);
    // `exec`: script runs the command through $SHELL, and a non-interactive dash that stays as the
    // parent dies of the Ctrl-C itself (exit 130) even though the host handled it.
    const command = `exec ${HOST_BINARY} share ${origin.port} --password`;
    const { PORTHOLE_PASSWORD: _ignored, ...inherited } = process.env;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {
        ...inherited,
        PORTHOLE_CLOUDFLARED: fakeCloudflared,
        PORTHOLE_STATE_DIR: stateDir,
        FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
        ...router.probeEnv,
      },
    });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(async () => {
      child.kill('SIGKILL');
      for (const state of await readFakeStates(fakeDir)) if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
    });
    await waitUntil(() => screen.includes('Password for visitors (not shown as you type): '), 10_000, `the prompt; screen: ${screen}`);
    child.stdin.write('typo\u007f\u007f\u007f\u007ftty-secret-1234\r');
    await waitUntil(() => screen.includes('Type it again to confirm: '), 10_000, 'the confirmation prompt');
    child.stdin.write('tty-secret-1234\r');
    await waitUntil(() => screen.includes('✓ live'), 15_000, `the CLI says live; screen: ${screen}`);
    const fake = await waitForFakeState(fakeDir, (s) => s.registered);
    expect((await fetchThroughEdge(fake, '/')).status).toBe(401);
    expect((await fetchThroughEdge(fake, '/', { headers: { authorization: basic('tty-secret-1234') } })).status).toBe(200);
    expect(procText(fake.pid, 'cmdline')).not.toContain('tty-secret-1234');
    expect(screen).not.toContain('tty-secret');
    expect(screen).not.toContain('typo');
    child.stdin.write('\u0003'); // Ctrl-C at the terminal
    expect(await exited).toBe(0);
    expect(screen).toContain('✓ stopped');
  });

  it('Ctrl-C at the prompt shares nothing and exits 130, as an interrupted command does', async () => {
    const { PORTHOLE_PASSWORD: _ignored, ...inherited } = process.env;
    const child = spawn('script', ['-qfec', `exec ${HOST_BINARY} share ${origin.port} --password`, '/dev/null'], {
      env: { ...inherited, PORTHOLE_CLOUDFLARED: fakeCloudflared, PORTHOLE_STATE_DIR: tempDir('porthole-cli-tty-') },
    });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(() => void child.kill('SIGKILL'));
    await waitUntil(() => screen.includes('Password for visitors'), 10_000, 'the prompt');
    child.stdin.write('half typed\u0003');
    expect(await exited).toBe(130);
    expect(screen).toContain('✗ No password given; nothing was shared.');
    expect(screen).not.toMatch(/half typed|starting cloudflared/);
  });

  it('two different entries at the prompt share nothing', async () => {
    const { PORTHOLE_PASSWORD: _ignored, ...inherited } = process.env;
    const child = spawn('script', ['-qfec', `exec ${HOST_BINARY} share ${origin.port} --password`, '/dev/null'], {
      env: { ...inherited, PORTHOLE_CLOUDFLARED: fakeCloudflared, PORTHOLE_STATE_DIR: tempDir('porthole-cli-tty-') },
    });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(() => void child.kill('SIGKILL'));
    await waitUntil(() => screen.includes('Password for visitors'), 10_000, 'the prompt');
    child.stdin.write('first-password\r');
    await waitUntil(() => screen.includes('Type it again'), 10_000, 'the confirmation prompt');
    child.stdin.write('second-password\r');
    expect(await exited).toBe(2);
    expect(screen).toContain('✗ The two passwords you typed differ; nothing was shared.');
    expect(screen).not.toMatch(/first|second|starting cloudflared/);
  });
});

describe('what the terminal says during a share (issue 12)', () => {
  it('0.0.0.0:<port> shares this computer’s port, says when the share stops, and that the server stopped', async () => {
    const own = await startOrigin('<h1>own server</h1>');
    const run = runShare([`0.0.0.0:${own.port}`, '--minutes', '5']);
    await waitUntil(() => run.output.stderr.includes('✓ live'), 15_000, `the CLI says live; stderr: ${run.output.stderr}`);
    expect(run.output.stderr).toMatch(/… the share stops at \d\d:\d\d \(local time, in 5 min\)/);
    const fake = await waitForFakeState(run.fakeDir, (s) => s.registered);
    expect((await fetchThroughEdge(fake, '/')).body).toBe('<h1>own server</h1>');

    own.server.closeAllConnections();
    await new Promise((resolve) => own.server.close(resolve));
    expect((await fetchThroughEdge(fake, '/')).status).toBe(502);
    await waitUntil(() => run.output.stderr.includes('stopped answering'), 10_000, 'the CLI notices');
    // 0.0.0.0 stands for this computer's loopback address: that is what the share dials and names.
    expect(run.output.stderr).toContain(`✗ http://127.0.0.1:${own.port} stopped answering: your local server seems to have stopped.`);
    expect(run.output.stderr).not.toContain('yet: start your local server');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});

/** Every path under `root` with its kind, to compare a home folder before and after. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((entry) => `${entry.isDirectory() ? 'd' : 'f'} ${join(entry.parentPath, entry.name).slice(root.length)}`)
    .sort();
}

describe('install → doctor → uninstall → doctor, in a fresh home (issue 12)', () => {
  it('leaves the home exactly as it was, and doctor never mistakes a folder for a browser', () => {
    const home = tempDir('porthole-home-');
    // This user has used Firefox, and nothing else.
    mkdirSync(join(home, '.mozilla', 'firefox'), { recursive: true });
    writeFileSync(join(home, '.mozilla', 'firefox', 'profiles.ini'), '[General]\n');
    const before = tree(home);
    const { PORTHOLE_STATE_DIR: _s, XDG_CONFIG_HOME: _c, XDG_STATE_HOME: _t, PORTHOLE_PASSWORD: _p, ...inherited } = process.env;
    // The machine's own /etc stays out of it (the .deb test may be installing there meanwhile).
    const env = {
      ...inherited,
      HOME: home,
      PATH: '/nonexistent',
      PORTHOLE_CLOUDFLARED: fakeCloudflared,
      PORTHOLE_SYSTEM_MANIFEST_ROOT: tempDir('porthole-system-'),
    };
    const cli = (...args: string[]) => spawnSync(HOST_BINARY, args, { env, encoding: 'utf8', timeout: 10_000 });
    const line = (text: string, browser: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${browser} `)) ?? '';

    let doctor = cli('doctor');
    expect(line(doctor.stdout, 'firefox')).toMatch(
      /✗ installed \(its folder .*\.mozilla exists\), but Porthole is not registered; run: porthole-host install --browser firefox/,
    );
    expect(line(doctor.stdout, 'chrome')).toMatch(/– not found for this user/);
    expect(doctor.status).toBe(1);
    expect(tree(home)).toEqual(before);

    const installed = cli('install');
    expect(installed.status).toBe(0);
    expect(installed.stdout).toContain(`✓ firefox: ${join(home, '.mozilla/native-messaging-hosts/dev.porthole.host.json')}`);
    expect(installed.stdout).not.toMatch(/chrome|chromium/);
    expect(cli('install', '--browser', 'chrome').status).toBe(0);

    doctor = cli('doctor');
    expect(line(doctor.stdout, 'firefox')).toMatch(/✓ registered/);
    expect(line(doctor.stdout, 'chrome')).toMatch(/✓ registered/);
    expect(line(doctor.stdout, 'edge')).toMatch(/– not found for this user/);
    expect(doctor.status).toBe(0);

    const removed = cli('uninstall');
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain('✓ chrome: removed');
    expect(removed.stdout).toContain(`✓ removed the folder ${join(home, '.config')}, which install had created`);

    doctor = cli('doctor');
    expect(line(doctor.stdout, 'chrome')).toMatch(/– not found for this user/);
    expect(doctor.stdout).not.toMatch(/chrome.*installed, but/);
    expect(line(doctor.stdout, 'firefox')).toMatch(/✗ installed/);
    expect(tree(home)).toEqual(before);
    expect(cli('uninstall').stdout).toContain('Nothing to remove');
    expect(tree(home)).toEqual(before);
  });

  it('doctor counts a manifest installed for every user, as the .deb writes it', () => {
    const home = tempDir('porthole-home-');
    const system = tempDir('porthole-system-');
    mkdirSync(join(home, '.config', 'chromium', 'Default'), { recursive: true });
    const manifest = join(system, 'etc', 'chromium', 'native-messaging-hosts', 'dev.porthole.host.json');
    mkdirSync(dirname(manifest), { recursive: true });
    writeFileSync(
      manifest,
      JSON.stringify({ name: 'dev.porthole.host', path: HOST_BINARY, type: 'stdio', allowed_origins: [CHROMIUM_EXTENSION_ORIGIN] }),
    );
    const { PORTHOLE_STATE_DIR: _s, XDG_CONFIG_HOME: _c, ...inherited } = process.env;
    const doctor = spawnSync(HOST_BINARY, ['doctor'], {
      env: { ...inherited, HOME: home, PATH: '/nonexistent', PORTHOLE_CLOUDFLARED: fakeCloudflared, PORTHOLE_SYSTEM_MANIFEST_ROOT: system },
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(doctor.stdout).toContain(`chromium   ✓ registered for every user: ${manifest} → ${HOST_BINARY}`);
    expect(doctor.status).toBe(0);
  });
});
