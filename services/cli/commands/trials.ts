/** `sweepq trials ID`: query the trials of a sweep (filter, order, paging) as a table or JSON. */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { TrialStatusSchema } from '../../../shared/schemas/trial.schema.js';
import type { TrialPage, TrialQuery } from '../../../shared/sweep/sweep-client.js';
import { flag, intOption, parseSweepId, printJson, printLine, stringOption, type Command, type OptionValues } from '../command.js';
import { withClient } from '../connect.js';
import { filterFieldHint } from '../format/filter-field-hint.js';
import { renderTrialTable } from '../format/trial-table.js';

/** The query options shared by `trials` and `experiments --trials`. */
export function trialQueryFrom(values: OptionValues): TrialQuery {
  const query: TrialQuery = { limit: intOption(values, 'limit', 1, 1000) ?? 100, offset: intOption(values, 'offset', 0, 10_000_000) ?? 0 };
  const filter = stringOption(values, 'filter');
  if (filter !== undefined) query.filter = filter;
  const orderBy = stringOption(values, 'orderBy');
  if (orderBy !== undefined)
    query.orderBy = orderBy
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
  const sort = stringOption(values, 'sort');
  if (sort !== undefined) query.sort = sort;
  const status = stringOption(values, 'status');
  if (status !== undefined) {
    const parsed = TrialStatusSchema.safeParse(status);
    if (!parsed.success) throw new InvalidInputError('INVALID_ARGUMENT', `--status must be one of ${TrialStatusSchema.options.join(', ')}, got "${status}"`);
    query.status = parsed.data;
  }
  return query;
}

/** Prints a page of trials (table or JSON). */
export function printTrialPage(page: TrialPage, query: TrialQuery, json: boolean): void {
  if (json) {
    printJson(page);
    return;
  }
  if (page.trials.length === 0) {
    printLine(`no trials match (total ${page.total})`);
    return;
  }
  printLine(renderTrialTable(page.trials, { firstRank: (query.offset ?? 0) + 1, ...(query.sort === undefined ? {} : { metric: query.sort }) }));
  const shown = page.trials.length;
  if ((query.offset ?? 0) + shown < page.total) printLine(`\n${shown} of ${page.total} trials; use --offset ${(query.offset ?? 0) + shown} for more`);
}

export const trialsCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const query = trialQueryFrom(values);
    const json = flag(values, 'json');
    const { page, hint } = await withClient(loadConfig(), async (client) => {
      const page = await client.trials(id, query);
      // Nothing matched: say so when the filter names a metric or param no trial has (a typo, most often).
      if (json || page.total > 0 || query.filter === undefined) return { page, hint: undefined };
      const sample = await client.trials(id, { limit: 1000 });
      return { page, hint: filterFieldHint(query.filter, sample.trials) };
    });
    printTrialPage(page, query, json);
    if (hint !== undefined) process.stderr.write(`${hint}\n`);
    return 0;
  },
};
