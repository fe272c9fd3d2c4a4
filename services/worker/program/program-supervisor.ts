/**
 * The per-trial supervisor of a program (a tiny Node process between the worker and the program).
 * It starts the program as the leader of its own process group and owns that group: when the program
 * exits, whatever it forked and left behind is killed; when the worker says stop, the whole group gets
 * the signal; and when the worker dies — even by kill -9, which runs no cleanup — the IPC channel
 * closes and the supervisor kills the group before it exits. The program's stdout and stderr are the
 * worker's pipes, inherited: the supervisor never copies output.
 *
 * argv[2]: JSON `{command, cwd, pdeathsig, addressSpaceBytes}` (see Launch); the environment is the program's.
 * Messages out: `{spawned: pid}`, `{failed: message}`, `{exit: {code, signal}}`; in: `{signal: 'SIGTERM' | 'SIGKILL'}`.
 */
import { spawn } from 'node:child_process';

interface Launch {
  command: string[];
  cwd: string;
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

function killGroup(signal: NodeJS.Signals): void {
  if (groupId === undefined) return;
  try {
    process.kill(-groupId, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function send(message: unknown, then?: () => void): void {
  if (process.connected) process.send!(message, () => then?.());
  else then?.();
}

const child = spawn(file!, args, { cwd: launch.cwd, env: process.env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
child.once('spawn', () => {
  groupId = child.pid;
  send({ spawned: child.pid });
});
child.once('error', (error) => {
  send({ failed: error.message }, () => process.exit(0));
});
child.once('exit', (code, signal) => {
  // Children the program forked and left behind (a daemon, a data loader ignoring SIGTERM) go with it.
  killGroup('SIGKILL');
  send({ exit: { code, signal } }, () => process.exit(0));
});
process.on('message', (message: { signal?: unknown }) => {
  if (message.signal === 'SIGTERM' || message.signal === 'SIGKILL') killGroup(message.signal);
});
// The worker is gone (exited, crashed, killed -9): nobody will read the program's results.
process.on('disconnect', () => {
  killGroup('SIGKILL');
  process.exit(0);
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killGroup('SIGKILL');
    process.exit(0);
  });
}
