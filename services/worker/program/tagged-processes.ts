/**
 * Finding a program's descendants that left its process group (issue 14). A child that calls setsid()
 * or double-forks into a session of its own is out of reach of the group kill, and Node cannot make
 * the supervisor a subreaper (prctl PR_SET_CHILD_SUBREAPER needs native code) nor, unprivileged, put
 * the program in a cgroup of its own. What every descendant does keep is its environment: the program
 * starts with a random tag in {@link TRIAL_TAG_VARIABLE}, which children inherit, and a scan of
 * /proc/<pid>/environ of this user's processes finds them wherever they went.
 *
 * Limits (README "Sweep your own training code"): a descendant exec'd with an environment that lacks
 * the tag (`env -i …`) is not found; without /proc (not Linux) only the group kill remains. The tag is a
 * marker, not a secret: a process that carries it on purpose only gets itself killed with the trial.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

/** The environment variable that tags every process of one program run. */
export const TRIAL_TAG_VARIABLE = 'SWEEPQ_TRIAL_TOKEN';
/** Scans after a SIGKILL, until none of the tagged processes is left (a forking loop keeps adding some). */
const KILL_ROUNDS = 20;
const ROUND_PAUSE_MS = 10;

/** A fresh tag for one program run. */
export function newTrialTag(): string {
  return randomBytes(16).toString('hex');
}

/** Pids of this user's live processes whose environment carries `tag` (never this process); empty without /proc. */
export function taggedProcesses(tag: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const entry = Buffer.from(`${TRIAL_TAG_VARIABLE}=${tag}`);
  const found: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    const pid = Number(entries[i]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    const environ = environOf(pid);
    if (environ !== null && carries(environ, entry)) found.push(pid);
  }
  return found;
}

/** Reused for every read: a scan reads each process's environment once, and most are a few KiB. */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/** The environment block of `pid` (a view of a shared buffer, valid until the next call), or null when unreadable. */
function environOf(pid: number): Buffer | null {
  let fd: number;
  try {
    // Another user's process is not readable (EACCES) and could not be signalled either; a zombie's is empty.
    fd = openSync(`/proc/${pid}/environ`, 'r');
  } catch {
    return null;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === readBuffer.length) {
        const larger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(larger, 0, 0, length);
        readBuffer = larger;
      }
      const read = readSync(fd, readBuffer, length, readBuffer.length - length, null);
      if (read === 0) return readBuffer.subarray(0, length);
      length += read;
    }
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Whether a NUL-separated environment block holds exactly the variable `entry` (`NAME=value`). */
function carries(environ: Buffer, entry: Buffer): boolean {
  let at = environ.indexOf(entry);
  while (at >= 0) {
    const end = at + entry.length;
    if ((at === 0 || environ[at - 1] === 0) && (end === environ.length || environ[end] === 0)) return true;
    at = environ.indexOf(entry, at + 1);
  }
  return false;
}

/**
 * Sends `signal` to every process tagged `tag`. A SIGKILL is repeated until none is left, so children
 * forked meanwhile go too; a SIGTERM is sent once (the caller follows it with a SIGKILL after a grace).
 * Synchronous: it also runs in a supervisor about to exit. Returns how many processes were signalled.
 */
export function signalTaggedProcesses(tag: string, signal: 'SIGTERM' | 'SIGKILL'): number {
  let signalled = 0;
  for (let round = 0; round < (signal === 'SIGKILL' ? KILL_ROUNDS : 1); round++) {
    const pids = taggedProcesses(tag);
    if (pids.length === 0) break;
    for (let i = 0; i < pids.length; i++) {
      try {
        process.kill(pids[i]!, signal);
        signalled++;
      } catch {
        // ESRCH: it exited meanwhile.
      }
    }
    if (signal === 'SIGKILL') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ROUND_PAUSE_MS);
  }
  return signalled;
}
