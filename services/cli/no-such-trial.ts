import { SweepqError } from '../../shared/errors/index.js';

/** The NOT_FOUND of a trial index or id the sweep does not have, saying which trials it has. */
export function noSuchTrial(sweepId: string, trialId: string, created: number): SweepqError {
  const range = created === 0 ? 'it has no trials yet' : `its trials are 0 to ${created - 1}`;
  return new SweepqError('NOT_FOUND', `sweep ${sweepId} has no trial ${trialId}: ${range} (\`sweepq trials ${sweepId}\` lists them)`);
}
