/**
 * `sweepq compare SWEEP TRIAL TRIAL [...]`: 2 to 10 trials of one sweep side by side — the params that
 * differ, every metric with the best marked, CV folds, timings (`--json`: the same as one document).
 * Trials are named by id (`s-…-t4`), index (`4`) or name (`RandomForest_100`). Works wherever the other read commands do (the
 * state folder, REDIS_URL, a scheduler): it reads through the query API only.
 */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError, SweepqError } from '../../../shared/errors/index.js';
import { closestMatch } from '../../../shared/schemas/spec-messages.js';
import { TrialIdSchema } from '../../../shared/schemas/trial.schema.js';
import type { SweepClient } from '../../../shared/sweep/sweep-client.js';
import { flag, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { compareTrials, metricNamesOf, renderComparison } from '../format/compare-table.js';
import { noSuchTrial } from '../no-such-trial.js';

/** As many as the dashboard's compare view takes: more columns than this do not read side by side. */
const MAX_COMPARED = 10;

/** A trial argument as given: an id of this sweep (`s-…-t4`, or the index `4` / `#4`), or a trial name. */
type TrialRef = { id: string } | { name: string };

/** @throws InvalidInputError INVALID_ARGUMENT for a trial id of another sweep. */
function trialRefOf(sweepId: string, raw: string): TrialRef {
  const index = /^#?(\d{1,8})$/.exec(raw.trim());
  if (index !== null) return { id: `${sweepId}-t${Number(index[1])}` };
  if (!TrialIdSchema.safeParse(raw.trim()).success) return { name: raw };
  const id = raw.trim();
  if (!id.startsWith(`${sweepId}-t`))
    throw new InvalidInputError(
      'INVALID_ARGUMENT',
      `trial ${id} is not of sweep ${sweepId}: compare takes trials of one sweep (use ${id.slice(0, id.lastIndexOf('-t'))} as the sweep, or an index)`,
    );
  return { id };
}

/** A string literal of the filter language: single quotes, a quote doubled. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The ids of trials named by name (`RandomForest_100`, as `sweepq trials` lists them; unique in a
 * sweep). An unknown name is NOT_FOUND with the closest name the sweep has.
 */
async function idsOfNames(client: SweepClient, sweepId: string, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (names.length === 0) return out;
  const page = await client.trials(sweepId, { filter: `attributes.name IN (${names.map(quoted).join(', ')})`, limit: names.length });
  for (const trial of page.trials) out.set(trial.name, trial.id);
  const unknown = names.find((name) => !out.has(name));
  if (unknown !== undefined) {
    const known = (await client.trials(sweepId, { limit: 1000 })).trials.map((t) => t.name);
    const guess = closestMatch(unknown, known);
    throw new SweepqError(
      'NOT_FOUND',
      `sweep ${sweepId} has no trial named ${JSON.stringify(unknown.slice(0, 80))}${guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`}: name a trial by its index, id or name, as \`sweepq trials ${sweepId}\` lists them`,
    );
  }
  return out;
}

/** The filter selecting these trials: run ids are `<sweep>-t<index>`, checked above (no quotes in them). */
function runIdFilter(ids: readonly string[]): string {
  return `attributes.run_id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
}

/**
 * The best value of each metric among the completed trials compared, asked of the query engine so it
 * is ranked in the metric's direction in this sweep (cv_mean follows cv.scoring; declared metrics
 * their own goal): one page of one row per metric.
 */
async function bestValues(client: SweepClient, sweepId: string, ids: readonly string[], metrics: readonly string[]): Promise<Map<string, number>> {
  const filter = `(${runIdFilter(ids)}) AND attributes.status = 'completed'`;
  const out = new Map<string, number>();
  const found = await Promise.all(
    metrics.map(async (name) => {
      // A metric name with a backquote cannot be quoted in an order key; it is shown, not marked.
      if (name.includes('`')) return undefined;
      const page = await client.trials(sweepId, { filter, orderBy: [`metrics.\`${name}\``], limit: 1 });
      return page.trials[0]?.metrics?.[name] ?? undefined;
    }),
  );
  for (let k = 0; k < metrics.length; k++) {
    const value = found[k];
    if (value !== undefined && value !== null && Number.isFinite(value)) out.set(metrics[k]!, value);
  }
  return out;
}

export const compareCommand: Command = {
  async run({ positionals, values }) {
    const sweepId = parseSweepId(positionals[0]!);
    const refs = positionals.slice(1).map((raw) => trialRefOf(sweepId, raw));
    if (refs.length < 2 || refs.length > MAX_COMPARED)
      throw new InvalidInputError('INVALID_ARGUMENT', `compare takes 2 to ${MAX_COMPARED} trials, got ${refs.length} (e.g. sweepq compare ${sweepId} 0 3)`);

    const comparison = await withClient(loadConfig(), async (client) => {
      // The status first: an unknown sweep is NOT_FOUND here, with the state folder's hint.
      const status = await client.status(sweepId);
      const byName = await idsOfNames(
        client,
        sweepId,
        refs.flatMap((ref) => ('name' in ref ? [ref.name] : [])),
      );
      const ids = refs.map((ref) => ('id' in ref ? ref.id : byName.get(ref.name)!));
      const repeated = ids.find((id, k) => ids.indexOf(id) !== k);
      if (repeated !== undefined) throw new InvalidInputError('INVALID_ARGUMENT', `trial ${repeated} is named twice: name each trial once`);
      const page = await client.trials(sweepId, { filter: runIdFilter(ids), limit: ids.length });
      const byId = new Map(page.trials.map((t) => [t.id, t]));
      const missing = ids.find((id) => !byId.has(id));
      if (missing !== undefined) throw noSuchTrial(sweepId, missing, status.created);
      const trials = ids.map((id) => byId.get(id)!);
      return compareTrials(sweepId, status.objective, trials, await bestValues(client, sweepId, ids, metricNamesOf(trials)));
    });
    if (flag(values, 'json')) printJson(comparison);
    else printLine(renderComparison(comparison));
    return 0;
  },
};
