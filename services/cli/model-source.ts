/**
 * Where a command's model comes from: a saved pipeline file (`sweepq best --out`, `sweepq run`), or a
 * sweep's best trial / a given trial, fetched through the SweepClient (so it works against a scheduler,
 * a Redis or the local state folder alike). Used by `predict`, `export` and `serve`.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../shared/config/config.js';
import { InvalidInputError, SweepqError } from '../../shared/errors/index.js';
import { Pipeline } from '../../shared/ml/pipeline.js';
import { TrialIdSchema } from '../../shared/schemas/trial.schema.js';
import { parseSweepId, stringOption, type OptionValues } from './command.js';
import { noSuchTrial } from './no-such-trial.js';

/** A loaded model and what to call it in messages and default file names. */
export interface LoadedModel {
  pipeline: Pipeline;
  /** `model.json`, or `trial s-…-t3 (name) of sweep s-…`. */
  description: string;
  /** A file name stem for outputs: the model file's name without `.json`, or the trial id. */
  stem: string;
  /** The trial served, when the model came from a sweep. */
  trial?: { id: string; name: string | null };
}

/** Loads a pipeline artefact from a file. @throws InvalidInputError INVALID_ARTIFACT. */
export async function loadPipelineFile(path: string): Promise<Pipeline> {
  const text = await readFile(path, 'utf8');
  return pipelineFromText(text, path, { file: path });
}

function pipelineFromText(text: string, source: string, location: { file?: string } = {}): Pipeline {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new InvalidInputError(
      'INVALID_ARTIFACT',
      `${source}: not a JSON file (${cause instanceof Error ? cause.message : String(cause)}); a model is the .json file \`sweepq run\` or \`sweepq best --out\` saved`,
      { location },
    );
  }
  try {
    return Pipeline.fromJSON(json);
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw new InvalidInputError('INVALID_ARTIFACT', `${source}: ${error.message}`, { location, details: error.details });
    throw error;
  }
}

/** `--trial T`: a trial id of the sweep, or its index. @throws InvalidInputError INVALID_ARGUMENT. */
export function resolveTrialId(sweepId: string, raw: string): string {
  const trialId = /^\d{1,8}$/.test(raw) ? `${sweepId}-t${Number(raw)}` : raw;
  if (!TrialIdSchema.safeParse(trialId).success || !trialId.startsWith(`${sweepId}-t`)) {
    throw new InvalidInputError(
      'INVALID_ARGUMENT',
      `--trial must be a trial id of sweep ${sweepId} (${sweepId}-t<index>) or a trial index, got "${raw.slice(0, 80)}"`,
    );
  }
  return trialId;
}

/**
 * The model a command names: the MODEL argument, or `--sweep ID` (its best trial by the objective or
 * `--metric`, or `--trial T`).
 * @throws InvalidInputError INVALID_ARGUMENT for a wrong combination; INVALID_ARTIFACT for a model that
 *   does not load; the SweepClient's errors (NOT_FOUND …) for a sweep.
 */
export async function loadModel(modelPath: string | undefined, values: OptionValues): Promise<LoadedModel> {
  const sweep = stringOption(values, 'sweep');
  const trial = stringOption(values, 'trial');
  const metric = stringOption(values, 'metric');
  if (modelPath !== undefined && sweep !== undefined) throw new InvalidInputError('INVALID_ARGUMENT', 'give either a MODEL file or --sweep ID, not both');
  if (sweep === undefined) {
    if (trial !== undefined || metric !== undefined)
      throw new InvalidInputError('INVALID_ARGUMENT', `--${trial !== undefined ? 'trial' : 'metric'} needs --sweep ID`);
    if (modelPath === undefined)
      throw new InvalidInputError('INVALID_ARGUMENT', 'give a MODEL file (a saved pipeline, e.g. from sweepq best --out) or --sweep ID');
    const stem = modelPath.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') || 'model';
    return { pipeline: await loadPipelineFile(modelPath), description: modelPath, stem };
  }
  const sweepId = parseSweepId(sweep);
  if (trial !== undefined && metric !== undefined)
    throw new InvalidInputError('INVALID_ARGUMENT', '--trial names the trial; --metric picks the best one: give one of them');
  const trialId = trial === undefined ? undefined : resolveTrialId(sweepId, trial);
  // Loaded on demand: `sweepq predict MODEL` never loads the client code.
  const { withClient } = await import('./connect.js');
  return withClient(loadConfig(), async (client) => {
    const record = trialId === undefined ? await client.best(sweepId, metric) : null;
    const id = record?.id ?? trialId!;
    const bytes = await client.artifact(sweepId, id).catch(async (error: unknown) => {
      if (record !== null || !(error instanceof SweepqError) || error.code !== 'NOT_FOUND' || !error.message.endsWith('does not exist')) throw error;
      // No such trial: say whether the sweep is here at all (status throws its own NOT_FOUND), and which trials it has.
      const status = await client.status(sweepId);
      throw noSuchTrial(sweepId, id, status.created);
    });
    const description = `trial ${id}${record === null ? '' : ` (${record.name})`} of sweep ${sweepId}`;
    return {
      pipeline: pipelineFromText(bytes.toString('utf8'), `the artefact of ${description}`),
      description,
      stem: id,
      trial: { id, name: record?.name ?? null },
    };
  });
}
