/**
 * What differs between operating systems, behind one interface. Each OS has one file exporting
 * a `Platform`; `index.ts` picks one, and nothing else in the host asks which OS it runs on.
 */
export interface PlatformEnv {
  env: NodeJS.ProcessEnv;
  home: string;
}

export interface Platform {
  name: 'linux' | 'darwin' | 'win32';
  /** Appended to executable names: '' or '.exe'. */
  exeSuffix: string;
  /** Where the host keeps its log and its record of running tunnels. */
  stateDir(where: PlatformEnv): string;
  /** The command line of a running process as one string, or null when there is no such process. */
  commandLine(pid: number): Promise<string | null>;
  /** Asks a process to stop, letting it finish what it is doing. */
  terminate(pid: number): void;
  /** Ends a process and everything it started, now. */
  forceKill(pid: number): void;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals a process that may already be gone; a vanished process is the outcome we wanted. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
