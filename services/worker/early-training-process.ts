/**
 * A worker's first training process, started by the worker's launcher before the worker's own bundle
 * loads (issue 13, fixed costs, round 5). A trivial trial waits for its training process to load the
 * learners; started from TrainingSlot, that load began only once the worker's bundle had run (~150 ms
 * after the worker process started, on a quiet machine), and so came last on the way to the first
 * trial. The launcher starts it at once; the worker's first TrainingSlot adopts it, with the messages
 * it sent meanwhile, when it asks for the same command line, and kills it otherwise (a run whose
 * limits differ from the default). The command line comes from training-process-spawn.ts for both, so
 * an adopted process runs under exactly the memory limit a slot would give it; niceness is applied by
 * the slot when the process is ready, adopted or not. Light on purpose: the launcher loads it
 * unbundled, first thing, so it imports node's modules only.
 */
import type { ChildProcess } from 'node:child_process';
import { DEFAULT_TRIAL_MEMORY_MB } from '../../shared/config/default-trial-memory.js';
import { spawnTrainingProcess, trainingProcessCommand } from './training-process-spawn.js';

/**
 * Where the launcher leaves the process; a registered symbol, since the worker's bundle has its own
 * copy of this module.
 */
const EARLY_TRAINING = Symbol.for('sweepq.earlyTrainingProcess');

/** A training process started before any slot existed. */
export interface EarlyTrainingProcess {
  readonly child: ChildProcess;
  /** Its command line, as trainingProcessCommand built it. */
  readonly command: readonly string[];
  /** What it sent before a slot listened (its `ready`, most likely). */
  readonly messages: unknown[];
  readonly collect: (message: unknown) => void;
}

/**
 * The memory budget of a worker's training processes when its config is read — SWEEPQ_TRIAL_MEMORY_MB
 * or its default — or undefined when the variable is not a plain number (the config then refuses it
 * or reads it differently; the slot decides, nothing is started early).
 */
export function earlyTrainingMemoryMb(env: NodeJS.ProcessEnv): number | undefined {
  const setting = env.SWEEPQ_TRIAL_MEMORY_MB;
  if (setting === undefined) return DEFAULT_TRIAL_MEMORY_MB;
  return /^[0-9]{1,7}$/.test(setting) ? Number(setting) : undefined;
}

/**
 * Starts the training process of `processFile` under the budget the worker's config will name, unless
 * that budget cannot be told without the config; returns it, or undefined when none was started. Never
 * throws: a process that cannot be started here is started by the slot later, which reports what went
 * wrong.
 */
export function startEarlyTrainingProcess(processFile: string, env: NodeJS.ProcessEnv = process.env): ChildProcess | undefined {
  const memoryMb = earlyTrainingMemoryMb(env);
  if (memoryMb === undefined) return undefined;
  let early: EarlyTrainingProcess;
  try {
    const command = trainingProcessCommand(memoryMb, processFile);
    const child = spawnTrainingProcess(command);
    const messages: unknown[] = [];
    const collect = (message: unknown): void => void messages.push(message);
    child.on('message', collect);
    // An 'error' with no listener would throw in this process; the slot's spawn reports it instead.
    child.once('error', () => undefined);
    early = { child, command, messages, collect };
  } catch {
    return undefined;
  }
  (globalThis as Record<symbol, unknown>)[EARLY_TRAINING] = early;
  return early.child;
}

/**
 * The early training process, handed over once, when it runs `command` and is still alive; otherwise
 * undefined (and the process, if any, is killed: a slot needs another one).
 */
export function adoptEarlyTrainingProcess(command: readonly string[]): EarlyTrainingProcess | undefined {
  const slot = globalThis as Record<symbol, unknown>;
  const early = slot[EARLY_TRAINING] as EarlyTrainingProcess | undefined;
  if (early === undefined) return undefined;
  delete slot[EARLY_TRAINING];
  early.child.off('message', early.collect);
  const alive = early.child.exitCode === null && early.child.signalCode === null && early.child.connected;
  if (alive && sameCommand(early.command, command)) return early;
  early.child.kill('SIGKILL');
  return undefined;
}

function sameCommand(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
