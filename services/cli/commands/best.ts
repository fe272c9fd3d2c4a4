/** `sweepq best ID`: the best completed trial; `--out` saves its fitted pipeline. */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import type { SweepClient } from '../../../shared/sweep/sweep-client.js';
import { flag, note, parseSweepId, printJson, printLine, stringOption, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { formatDuration } from '../format/duration.js';
import { formatMetric, formatTable } from '../format/table.js';
import { assertMayWrite, writeFileAtomic } from '../write-file-atomic.js';

/**
 * Downloads a trial's artefact, checks it loads as a pipeline (the store is a trust boundary, and a
 * model that cannot be loaded later is worse than an error now), and writes it atomically to `out`.
 */
export async function saveArtifact(client: SweepClient, sweepId: string, trialId: string, out: string): Promise<number> {
  const bytes = await client.artifact(sweepId, trialId);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (cause) {
    throw new InvalidInputError('INVALID_ARTIFACT', `the artefact of trial ${trialId} is not JSON`, { cause });
  }
  Pipeline.fromJSON(json);
  await writeFileAtomic(out, bytes);
  return bytes.length;
}

/** Human rendering of one trial. */
export function renderTrial(trial: TrialRecord): string {
  const lines = [
    `trial     ${trial.id}  ${trial.name}`,
    `model     ${trial.model}`,
    `status    ${trial.status}${trial.worker === null ? '' : ` on ${trial.worker}`}, ${formatDuration(trial.durationMs)}`,
    `params    ${JSON.stringify(trial.params)}`,
  ];
  if (trial.metrics !== null) {
    const names = Object.keys(trial.metrics).sort();
    const rows = names.map((name) => [`  ${name}`, formatMetric(trial.metrics![name])]);
    lines.push(
      'metrics',
      formatTable(['', ''], rows, { align: ['left', 'right'] })
        .split('\n')
        .slice(1)
        .join('\n'),
    );
  }
  return lines.join('\n');
}

export const bestCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const metric = stringOption(values, 'metric');
    const out = stringOption(values, 'out');
    if (out !== undefined) assertMayWrite(out, flag(values, 'force'), 'model file');
    const best = await withClient(loadConfig(), async (client) => {
      const trial = await client.best(id, metric);
      if (out !== undefined) {
        const bytes = await saveArtifact(client, id, trial.id, out);
        note(`saved ${trial.name} to ${out} (${bytes} bytes)`);
      }
      return trial;
    });
    if (flag(values, 'json')) printJson(best);
    else printLine(renderTrial(best));
    return 0;
  },
};
