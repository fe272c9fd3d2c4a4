/** `sweepq trials ID`: the trials of a sweep as a comparison table (or JSON). */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { TrialStatusSchema } from '../../../shared/schemas/trial.schema.js';
import type { TrialQuery } from '../../../shared/sweep/sweep-client.js';
import { flag, intOption, parseSweepId, printJson, printLine, stringOption, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { renderTrialTable } from '../format/trial-table.js';

export const trialsCommand: Command = {
  name: 'trials',
  summary: 'compare the trials of a sweep',
  usage: `usage: sweepq trials ID [--sort METRIC] [--limit N] [--offset N] [--status S] [--json]

  --sort METRIC   best first by this metric (e.g. accuracy, f1_score, auc_roc, cv_mean)
  --limit N       at most N trials (1..1000, default 100)
  --offset N      skip the first N
  --status S      only trials in state S (queued, active, completed, failed, cancelled)
  --json          print {"trials":[...],"total":N}`,
  options: {
    sort: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    status: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [1, 1],
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const query: TrialQuery = { limit: intOption(values, 'limit', 1, 1000) ?? 100, offset: intOption(values, 'offset', 0, 10_000_000) ?? 0 };
    const sort = stringOption(values, 'sort');
    if (sort !== undefined) query.sort = sort;
    const status = stringOption(values, 'status');
    if (status !== undefined) {
      const parsed = TrialStatusSchema.safeParse(status);
      if (!parsed.success) throw new InvalidInputError('INVALID_ARGUMENT', `--status must be one of ${TrialStatusSchema.options.join(', ')}, got "${status}"`);
      query.status = parsed.data;
    }
    const page = await withClient(loadConfig(), (client) => client.trials(id, query));
    if (flag(values, 'json')) {
      printJson(page);
      return 0;
    }
    if (page.trials.length === 0) {
      printLine(`no trials${query.status === undefined ? '' : ` in state ${query.status}`} (total ${page.total})`);
      return 0;
    }
    printLine(renderTrialTable(page.trials, { firstRank: (query.offset ?? 0) + 1, ...(sort === undefined ? {} : { metric: sort }) }));
    const shown = page.trials.length;
    if (shown < page.total) printLine(`\n${shown} of ${page.total} trials; use --offset ${(query.offset ?? 0) + shown} for more`);
    return 0;
  },
};
