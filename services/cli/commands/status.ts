/** `sweepq status ID`: counts, progress, elapsed time, ETA, the best trial so far and, for a program sweep, its first failures. */
import { loadConfig } from '../../../shared/config/config.js';
import type { SweepStatus } from '../../../shared/schemas/sweep-status.schema.js';
import { flag, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { formatDataSummary } from '../format/data-summary.js';
import { formatDuration } from '../format/duration.js';
import { progressBar, finishedTrials } from '../format/progress-bar.js';
import { formatMetric } from '../format/table.js';
import { renderFailedProgramTrials, STATUS_FAILED_TRIALS } from '../format/program-output.js';
import { formatTags } from '../format/tags.js';
import { renderWorkers } from './workers.js';

/** Human rendering of a status (also used by `run` and `cancel`). */
export function renderStatus(status: SweepStatus): string {
  const c = status.counts;
  const done = finishedTrials(status);
  const fraction = status.total > 0 ? done / status.total : 1;
  const lines = [
    `sweep     ${status.id}  ${status.name}`,
    `state     ${status.state}`,
    `progress  ${progressBar(fraction)} ${status.percent.toFixed(1)}%  ${done}/${status.total} finished`,
    `trials    ${c.completed} completed · ${c.active} active · ${c.queued} queued · ${c.failed} failed · ${c.cancelled} cancelled${c.pruned > 0 ? ` · ${c.pruned} pruned` : ''}${c.quarantined > 0 ? ` · ${c.quarantined} quarantined` : ''}`,
    `elapsed   ${formatDuration(status.elapsedMs)}${status.etaMs === null || status.finishedAt !== null ? '' : `  ETA ${formatDuration(status.etaMs)}`}`,
    status.task === null
      ? `kind      runs logged through the MLflow API (no objective)`
      : `objective ${status.objective.goal} ${status.objective.metric}  (${status.task})`,
  ];
  if (status.tags !== undefined) lines.push(`tags      ${formatTags(status.tags)}`);
  if (status.stopReason !== undefined) lines.push(`stopped   ${status.stopReason}`);
  if (status.data !== null && status.task !== null && status.task !== 'program') lines.push(`data      ${formatDataSummary(status.task, status.data)}`);
  const best = status.best;
  if (best === null) lines.push('best      -');
  else {
    const value = best.metrics?.[status.objective.metric];
    lines.push(`best      ${best.name} (${best.model ?? '-'}) ${status.objective.metric}=${formatMetric(value)}  [${best.id}]`);
  }
  lines.push(`workers   ${status.workers.length} live${status.workers.length === 0 ? '' : `\n${renderWorkers(status.workers)}`}`);
  return lines.join('\n');
}

export const statusCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const json = flag(values, 'json');
    const { status, failed } = await withClient(loadConfig(), async (client) => {
      const status = await client.status(id);
      // A failed program's own words are what a user needs first (issue 14): quote a few in the human view.
      const quoteFailures = !json && status.task === 'program' && status.counts.failed > 0;
      const failed = quoteFailures ? (await client.trials(id, { status: 'failed', limit: STATUS_FAILED_TRIALS })).trials : [];
      return { status, failed };
    });
    if (json) printJson(status);
    else printLine(failed.length === 0 ? renderStatus(status) : `${renderStatus(status)}\n${renderFailedProgramTrials(id, failed, status.counts.failed)}`);
    return 0;
  },
};
