/**
 * The per-trial supervisor of a program (a tiny Node process between the worker and the program).
 * It starts the program as the leader of its own process group and owns its process tree: the group,
 * and the descendants that left it (setsid, a double fork), found by the run's tag
 * (tagged-processes.ts). When the program exits, whatever it forked and left behind is killed; when
 * the worker says stop, the whole tree gets the signal; and when the worker dies — even by kill -9,
 * which runs no cleanup — the IPC channel closes and the supervisor kills the tree before it exits.
 * The program's stdout and stderr are the worker's pipes, inherited: the supervisor never copies output.
 *
 * argv[2]: JSON `{command, cwd, tag, pdeathsig, addressSpaceBytes}` (see Launch); the environment is the
 * program's, to which the supervisor adds the tag (it does not carry the tag itself).
 * Messages out: `{spawned: pid}`, `{failed: message}`, `{exit: {code, signal}}`; in: `{signal: 'SIGTERM' | 'SIGKILL'}`.
 */
import { spawn } from 'node:child_process';
import { signalTaggedProcesses, TRIAL_TAG_VARIABLE } from './tagged-processes.js';

interface Launch {
  command: string[];
  cwd: string;
  /** The run's tag, inherited by every descendant of the program. */
  tag: string;
  /** Wrap the program in `setpriv --pdeathsig KILL`: it dies with this supervisor, however it dies. */
  pdeathsig: boolean;
  /** RLIMIT_AS of the program in bytes (util-linux `prlimit`), or null for none. */
  addressSpaceBytes: number | null;
}

const launch = JSON.parse(process.argv[2] ?? '{}') as Launch;
// Each wrapper execs the next, so the group leader's pid ends up the program's.
let argv = launch.command;
if (launch.addressSpaceBytes !== null) argv = ['prlimit', `--as=${launch.addressSpaceBytes}`, '--', ...argv];
if (launch.pdeathsig) argv = ['setpriv', '--pdeathsig', 'KILL', '--', ...argv];
const [file, ...args] = argv;
let groupId: number | undefined;

/** Signals the program's group, then every tagged descendant that escaped it. */
function killTree(signal: 'SIGTERM' | 'SIGKILL'): void {
  if (groupId === undefined) return;
  try {
    process.kill(-groupId, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
  signalTaggedProcesses(launch.tag, signal);
}

function send(message: unknown, then?: () => void): void {
  if (process.connected) process.send!(message, () => then?.());
  else then?.();
}

const child = spawn(file!, args, {
  cwd: launch.cwd,
  env: { ...process.env, [TRIAL_TAG_VARIABLE]: launch.tag },
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: true,
});
child.once('spawn', () => {
  groupId = child.pid;
  send({ spawned: child.pid });
});
child.once('error', (error) => {
  send({ failed: error.message }, () => process.exit(0));
});
child.once('exit', (code, signal) => {
  // Children the program forked and left behind (a daemon, a data loader ignoring SIGTERM) go with it, in its group or not.
  killTree('SIGKILL');
  send({ exit: { code, signal } }, () => process.exit(0));
});
process.on('message', (message: { signal?: unknown }) => {
  if (message.signal === 'SIGTERM' || message.signal === 'SIGKILL') killTree(message.signal);
});
// The worker is gone (exited, crashed, killed -9): nobody will read the program's results.
process.on('disconnect', () => {
  killTree('SIGKILL');
  process.exit(0);
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killTree('SIGKILL');
    process.exit(0);
  });
}
