/** `sweepq trial TRIAL_ID`: one trial in full; for a program trial its exit, history and output tails. */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError, SweepqError } from '../../../shared/errors/index.js';
import { programRunOf } from '../../../shared/program/program-run.js';
import { PROGRAM_MODEL } from '../../../shared/schemas/trial-model-name.schema.js';
import { TrialIdSchema } from '../../../shared/schemas/trial.schema.js';
import { flag, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { renderProgramRun } from '../format/program-output.js';
import { renderTrial } from './best.js';

export const trialCommand: Command = {
  async run({ positionals, values }) {
    const raw = positionals[0]!;
    const parsed = TrialIdSchema.safeParse(raw);
    if (!parsed.success)
      throw new InvalidInputError('INVALID_ARGUMENT', `not a trial id: "${raw}" (a trial id looks like s-<id>-t<index>, as \`sweepq trials\` lists them)`);
    const trialId = parsed.data;
    const sweepId = trialId.slice(0, trialId.lastIndexOf('-t'));
    // One trial through the query API (every client has it): its run id is unique in its sweep.
    const page = await withClient(loadConfig(), (client) => client.trials(sweepId, { filter: `attributes.run_id = '${trialId}'`, limit: 1 }));
    const trial = page.trials[0];
    if (trial === undefined) throw new SweepqError('NOT_FOUND', `trial ${trialId} does not exist (see sweepq trials ${sweepId})`);
    if (flag(values, 'json')) printJson(trial);
    else if (trial.model !== PROGRAM_MODEL) printLine(`${renderTrial(trial)}${trial.error === null ? '' : `\nerror     ${trial.error}`}`);
    else printLine(`${renderTrial(trial)}\n${renderProgramRun(programRunOf(trial, '', null))}`);
    return 0;
  },
};
