/**
 * A program run's end reason (ProgramEndReasonSchema) in words, the same in `sweepq trial`, `sweepq
 * status` and the dashboard's program panel. No runtime imports: the dashboard bundles this file.
 */
import type { ProgramEndReason } from '../schemas/trial.schema.js';

const PHRASES: Record<ProgramEndReason, string> = {
  exit: 'exited with a non-zero code',
  signal: 'killed by a signal sweepq did not send',
  timeout: 'ran past its time limit',
  cancel: 'stopped by a cancel',
  'no-objective': 'exited 0 without reporting the objective',
  garbage: 'exited 0 without reporting the objective; report-like lines were not valid reports',
  'not-started': 'could not be started',
  artifacts: 'wrote more artefacts than a trial may store',
};

export function describeProgramEnd(reason: ProgramEndReason): string {
  return PHRASES[reason];
}
