/**
 * What becomes of a failed attempt — a trial on its own job, a trial in a block, or a part of a split
 * trial. One decision for all three, in one order: a cancel aborts; a shutdown or a local disk fault
 * hands the work back without spending an attempt (the disk fault also pauses the worker); a trial
 * whose training crashed {@link QUARANTINE_AFTER_CRASHES} times is quarantined; a retryable error is
 * retried while attempts remain; anything else fails the trial. Each caller carries the decision out
 * its own way (the job's own retries, a move out of the block, the flow's token).
 */
import { isRetryable, SweepqError, type ErrorCode } from '../../shared/errors/index.js';
import { LOCAL_FAULT_DELAY_MS, QUARANTINE_AFTER_CRASHES, type RunningAttempt } from './running-attempt.js';

export type FailureDecision =
  | { kind: 'cancel' }
  | { kind: 'hand-back'; code: ErrorCode; message: string; delayMs: number; localFault: SweepqError | null }
  | { kind: 'quarantine'; code: ErrorCode; message: string; reason: string }
  | { kind: 'retry'; code: ErrorCode; message: string }
  | { kind: 'fail'; code: ErrorCode; message: string; reason: string };

/**
 * @param lastAttempt no retry is left for this work (a block's trial always has one: on a job of its own).
 * @param countCrash records one more crash of the trial's training and returns the count so far.
 */
export async function decideFailure(
  running: RunningAttempt,
  error: unknown,
  options: { lastAttempt: boolean; countCrash: () => Promise<number> },
): Promise<FailureDecision> {
  if (running.abortReason === 'cancel') return { kind: 'cancel' };
  const code: ErrorCode = error instanceof SweepqError ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  if (running.abortReason === 'shutdown') return { kind: 'hand-back', code, message, delayMs: 0, localFault: null };
  if (code === 'LOCAL_IO') return { kind: 'hand-back', code, message, delayMs: LOCAL_FAULT_DELAY_MS, localFault: error as SweepqError };
  // The same trial killed its training process again: it is the trial, not the machine.
  if (code === 'TRAINING_CRASHED' && (await options.countCrash()) >= QUARANTINE_AFTER_CRASHES) {
    return { kind: 'quarantine', code, message, reason: `${code}: ${message} (crashed ${QUARANTINE_AFTER_CRASHES} times; \`sweepq retry\` runs it again)` };
  }
  if (isRetryable(code) && !options.lastAttempt) return { kind: 'retry', code, message };
  return { kind: 'fail', code, message, reason: `${code}: ${message}` };
}
