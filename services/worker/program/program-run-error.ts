/**
 * A program run that ended without a result (issue 14). Its code decides retries like any SweepqError
 * (services/worker/failure-decision.ts); its `record` — exit code, signal, reason, bounded output tails,
 * duration, history — is what the trial's end stores beside the error, under the attempt's fencing
 * (TrialTransitions.finish), so status, `sweepq trial`, the API and the dashboard read it as data.
 */
import { SweepqError, type ErrorCode } from '../../../shared/errors/index.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';

/** A program run's record, as the trial record carries it. */
export type ProgramRunDetail = NonNullable<TrialRecord['program']>;

export class ProgramRunError extends SweepqError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly record: ProgramRunDetail,
  ) {
    super(code, message);
    this.name = 'ProgramRunError';
  }

  /** The trial's detail field as a commit writes it: `{program: record}`. */
  detail(): { program: ProgramRunDetail } {
    return { program: this.record };
  }
}
