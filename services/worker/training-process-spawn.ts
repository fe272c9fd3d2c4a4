/**
 * How a training slot's child process is started (training-slot.ts): node under RLIMIT_AS (`prlimit`),
 * with a parent-death signal (`setpriv --pdeathsig`), the V8 old-space cap of its memory budget, and an
 * IPC channel. Shared by TrainingSlot and by the worker's launcher, which starts the first training
 * process before the worker's own bundle loads (early-training-process.ts): one function builds the
 * command line for both, so a process started early runs under exactly the limits a slot would give
 * it. Light on purpose — the launcher loads it first thing: node's modules and extra-ca-certs.ts only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { withoutExtraCaCerts } from '../../shared/runtime/extra-ca-certs.js';

/**
 * Address space node needs beyond a trial's own memory: V8 reserves its heap cage and code ranges up
 * front (measured: node does not start under 800 MB of RLIMIT_AS).
 */
const NODE_ADDRESS_OVERHEAD_MB = 1024;
/** The least V8 old space a training process gets, whatever its budget: node's own start needs it. */
const MIN_OLD_SPACE_MB = 64;

const PRLIMIT_PROBE = ['prlimit', '--as=4294967296'];
const SETPRIV_PROBE = ['setpriv', '--pdeathsig', 'KILL'];
/**
 * Which wrappers run here, probed once per process. Kept under a registered symbol: the worker's
 * launcher and the worker's bundle each hold their own copy of this module, and the bundle's first
 * training process would otherwise probe again, on the path of the first trial (issue 13, fixed costs).
 */
const PROBED = Symbol.for('sweepq.trainingWrapperProbes');

function probes(): Map<string, boolean> {
  const slot = globalThis as Record<symbol, unknown>;
  let probed = slot[PROBED] as Map<string, boolean> | undefined;
  if (probed === undefined) {
    probed = new Map();
    slot[PROBED] = probed;
  }
  return probed;
}

/**
 * True when `command args… PROGRAM` runs here (util-linux's prlimit and setpriv are optional). The
 * probe runs synchronously in every worker's start-up, on the path of its first trial — so both
 * wrappers are tried in one process first (issue 13, fixed costs), and one at a time only when that fails.
 */
function wrapperWorks(command: string, args: readonly string[]): boolean {
  const probed = probes();
  if (probed.size === 0 && probeRuns([...SETPRIV_PROBE, '--', ...PRLIMIT_PROBE])) {
    probed.set(PRLIMIT_PROBE[0]!, true);
    probed.set(SETPRIV_PROBE[0]!, true);
  }
  let ok = probed.get(command);
  if (ok === undefined) {
    ok = probeRuns([command, ...args]);
    probed.set(command, ok);
  }
  return ok;
}

/**
 * True when the wrappers run a program. `true` first (~3 ms: a tiny binary), then node itself when that
 * fails (~10–20 ms: a 100 MB binary to map), so that a system without a `true` on its PATH still gets
 * its memory limits — the probe runs synchronously, on the way to a worker's first trial.
 */
function probeRuns(wrappers: readonly string[]): boolean {
  for (const program of [['true'], [process.execPath, '--version']]) {
    if (spawnSync(wrappers[0]!, [...wrappers.slice(1), '--', ...program], { stdio: 'ignore', timeout: 10_000 }).status === 0) return true;
  }
  return false;
}

/** True when `prlimit` can cap a child's address space here. */
export function prlimitAvailable(): boolean {
  return wrapperWorks(PRLIMIT_PROBE[0]!, PRLIMIT_PROBE.slice(1));
}

/**
 * The command line of a training process of `memoryMb` running `processFile`: node under RLIMIT_AS
 * (prlimit) and with a parent-death signal (setpriv --pdeathsig), so a worker killed with -9 takes its
 * training process with it instead of leaving it training for nobody. Each wrapper execs the next, so
 * the pid is node's.
 */
export function trainingProcessCommand(memoryMb: number, processFile: string): string[] {
  let command = [process.execPath, `--max-old-space-size=${Math.max(MIN_OLD_SPACE_MB, memoryMb)}`, processFile];
  if (prlimitAvailable()) command = ['prlimit', `--as=${(memoryMb + NODE_ADDRESS_OVERHEAD_MB) * 1024 * 1024}`, '--', ...command];
  if (wrapperWorks(SETPRIV_PROBE[0]!, SETPRIV_PROBE.slice(1))) command = ['setpriv', '--pdeathsig', 'KILL', '--', ...command];
  return command;
}

/**
 * Starts a training process with the command line of {@link trainingProcessCommand}, in this process's
 * environment without NODE_EXTRA_CA_CERTS: it opens no connection, and node would parse that file at
 * its start all the same (~37 ms of CPU; shared/runtime/extra-ca-certs.ts).
 */
export function spawnTrainingProcess(command: readonly string[]): ChildProcess {
  return spawn(command[0]!, command.slice(1), {
    env: withoutExtraCaCerts(process.env),
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    // The V8 serializer copies the result's JSON strings (artefact, diagnostics) as they are, where
    // JSON would escape and unescape every quote in them once more.
    serialization: 'advanced',
  });
}
