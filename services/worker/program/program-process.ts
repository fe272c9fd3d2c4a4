/**
 * One run of a user's program, seen from the worker: started through its supervisor
 * (program-supervisor.ts) in its own process group, stdout read line by line (reports and logs),
 * stderr's tail kept, stopped as a whole tree on timeout or abort (SIGTERM, then SIGKILL after a short
 * grace). Resolves once the program has exited and its tree is gone: its group and the tagged
 * descendants that left it (tagged-processes.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { OutputTail } from './output-tail.js';
import { newTrialTag, signalTaggedProcesses } from './tagged-processes.js';

const SUPERVISOR_FILE = fileURLToPath(new URL('./program-supervisor.js', import.meta.url));
/** Time a program gets between SIGTERM and SIGKILL when stopped (cancel must end it within 2 s). */
const KILL_GRACE_MS = 1000;
/** Lines of stdout and stderr kept, and their longest line. */
const TAIL_LINES = 50;
const TAIL_LINE_LENGTH = 1000;
/** Programs run niced, like built-in training: the worker's lock renewal stays responsive. */
const PROGRAM_NICENESS = 10;
/** After the program exits, how long its output pipes may stay open (held by an escaped grandchild). */
const PIPE_DRAIN_MS = 2000;

export interface ProgramLaunch {
  command: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Address-space limit of the program in MB, or null for none. */
  memoryMb: number | null;
  /** Every complete stdout line, in order. */
  onStdoutLine(line: string): void;
}

export interface ProgramExit {
  code: number | null;
  signal: string | null;
  /** The program could not be started (no such executable, not executable). */
  spawnError: string | null;
  /** Why sweepq stopped it, when it did. */
  stoppedFor: 'timeout' | 'abort' | 'prune' | null;
  stdoutTail: string;
  stderrTail: string;
}

let pdeathsigWorks: boolean | undefined;
/** True when util-linux's setpriv can give the program a parent-death signal here. */
function setprivAvailable(): boolean {
  pdeathsigWorks ??= spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return pdeathsigWorks;
}

export class ProgramProcess {
  readonly done: Promise<ProgramExit>;
  private readonly supervisor: ChildProcess;
  private stoppedFor: 'timeout' | 'abort' | 'prune' | null = null;
  private readonly timer: NodeJS.Timeout;
  private killTimer: NodeJS.Timeout | undefined;
  private exited = false;

  constructor(launch: ProgramLaunch) {
    const stdout = new OutputTail(TAIL_LINES, TAIL_LINE_LENGTH);
    const stderr = new OutputTail(TAIL_LINES, TAIL_LINE_LENGTH);
    const tag = newTrialTag();
    const spec = JSON.stringify({
      command: launch.command,
      cwd: launch.cwd,
      tag,
      pdeathsig: setprivAvailable(),
      addressSpaceBytes: launch.memoryMb === null ? null : launch.memoryMb * 1024 * 1024,
    });
    this.supervisor = spawn(process.execPath, [SUPERVISOR_FILE, spec], { env: { ...launch.env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const supervisor = this.supervisor;
    if (supervisor.pid !== undefined) {
      try {
        setPriority(supervisor.pid, PROGRAM_NICENESS);
      } catch {
        // Not permitted here: run at normal priority.
      }
    }
    supervisor.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.write(chunk, launch.onStdoutLine));
    supervisor.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.write(chunk));
    this.timer = setTimeout(() => void this.stop('timeout'), launch.timeoutMs);
    this.done = new Promise<ProgramExit>((resolve) => {
      let exit: { code: number | null; signal: string | null } | null = null;
      let spawnError: string | null = null;
      supervisor.on('message', (message: { exit?: { code: number | null; signal: string | null }; failed?: string }) => {
        if (message.exit !== undefined) exit = message.exit;
        if (message.failed !== undefined) spawnError = message.failed;
      });
      const finish = (): void => {
        clearTimeout(this.timer);
        clearTimeout(this.killTimer);
        stdout.end(launch.onStdoutLine);
        stderr.end();
        resolve({
          code: exit?.code ?? null,
          signal: exit?.signal ?? null,
          spawnError,
          stoppedFor: this.stoppedFor,
          stdoutTail: stdout.text(),
          stderrTail: stderr.text(),
        });
      };
      supervisor.once('error', (error) => {
        spawnError ??= `the program supervisor could not start: ${error.message}`;
      });
      supervisor.once('exit', (code, signal) => {
        this.exited = true;
        if (exit === null && spawnError === null) exit = { code, signal };
        // A supervisor killed by a signal (the stop's last resort) cleaned nothing up: its escaped descendants are ours to end.
        if (signal !== null) signalTaggedProcesses(tag, 'SIGKILL');
        // Output still in the pipes is read before finishing; an escaped grandchild holding them open is not waited for.
        const drain = setTimeout(finish, PIPE_DRAIN_MS);
        supervisor.once('close', () => {
          clearTimeout(drain);
          finish();
        });
      });
    });
  }

  /** Stops the program's whole process group: SIGTERM, then SIGKILL after a short grace. Resolves when it is gone. */
  async stop(reason: 'timeout' | 'abort' | 'prune'): Promise<void> {
    if (!this.exited) {
      this.stoppedFor ??= reason;
      this.signal('SIGTERM');
      this.killTimer ??= setTimeout(() => {
        this.signal('SIGKILL');
        // A supervisor that does not answer (stopped, wedged) is killed; the program's parent-death signal follows.
        setTimeout(() => {
          if (!this.exited) this.supervisor.kill('SIGKILL');
        }, KILL_GRACE_MS).unref();
      }, KILL_GRACE_MS);
    }
    await this.done;
  }

  private signal(signal: 'SIGTERM' | 'SIGKILL'): void {
    if (this.supervisor.connected) this.supervisor.send({ signal }, () => undefined);
  }
}
