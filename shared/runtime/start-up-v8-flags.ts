/**
 * V8 flags of the processes of `sweepq run` (issue 13, fixed costs).
 *
 * Young generation (round 4): a worker allocates ~25 MB while it starts (its bundle's functions, zod's
 * schemas, BullMQ and ioredis), nearly all of it kept for its whole life. V8's young generation starts
 * at 1 MB and doubles only after each scavenge, so a start ran ~8 scavenges that copied the same live
 * objects again and again, and the promoted bulk then set off a full mark-compact: ~18% of the
 * worker's start-up CPU (`--trace-gc`, CPU profiles). 16 MB still left one scavenge of 24 MB, nearly
 * all alive; at 32 MB the worker starts with no collection at all. Young-generation pages are
 * committed as they fill.
 *
 * Tiering (round 6): the CLI and the workers of a run are glue (start-up code, Redis replies, IPC) that
 * runs a few hundred times at most, and V8 compiled much of it with TurboFan on its background threads
 * — CPU taken from the training processes on a 2-core machine. Four times V8's interrupt budget
 * (67,584) lets only code that stays hot reach TurboFan: `sweepq run` of one trivial trial and of
 * 2,000 (bench:sweep (e), (f)) spent 5–7% less CPU over all processes; `--max-opt=1` (no optimising
 * tier at all) saved as much on those but costs ~45% on hot loops, which `sweepq serve`, say, has.
 *
 * Not for training processes: their learners are hot loops that want TurboFan early, and under a small
 * memory limit (`--max-old-space-size=64` and RLIMIT_AS, training-slot.ts) a 32 MB young generation
 * turned the clean out-of-memory failure the worker reports as LIMIT_EXCEEDED into a V8 abort during
 * evacuation.
 */
import v8 from 'node:v8';

const RUN_TIERING_FLAG = '--interrupt-budget=270336';

/** The command-line V8 flags of a `sweepq run` worker process. */
export const START_UP_V8_FLAGS: readonly string[] = ['--min-semi-space-size=32', '--max-semi-space-size=32', RUN_TIERING_FLAG];

/**
 * The flags `sweepq run`'s CLI sets on itself at start (bin/sweepq.js: `node bin/sweepq.js` takes no V8
 * flags, and NODE_OPTIONS allows none of these); only those that take effect after V8 started.
 */
export const RUN_CLI_V8_FLAGS: readonly string[] = [RUN_TIERING_FLAG];

/** Where the flags set at run time are listed; a registered symbol, since each bundle has its own copy of this module. */
const RUNTIME_FLAGS = Symbol.for('sweepq.runtimeV8Flags');

/** Sets V8 `flags` in this running process and lists them for {@link runtimeV8Flags}. */
export function setRuntimeV8Flags(flags: readonly string[]): void {
  for (const flag of flags) v8.setFlagsFromString(flag);
  const slot = globalThis as Record<symbol, unknown>;
  slot[RUNTIME_FLAGS] = [...runtimeV8Flags(), ...flags];
}

/**
 * The V8 flags this process set at run time. V8 refuses a code cache made under other flags, these
 * included: cached-bundle.ts keys its cache by them, so that a `sweepq run` and another command of
 * the same CLI bundle each keep their own instead of rewriting one another's.
 */
export function runtimeV8Flags(): readonly string[] {
  return ((globalThis as Record<symbol, unknown>)[RUNTIME_FLAGS] as readonly string[] | undefined) ?? [];
}
