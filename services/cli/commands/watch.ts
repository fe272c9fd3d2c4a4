/** `sweepq watch ID`: a live progress line until the sweep finishes (completed or cancelled). */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../../shared/config/config.js';
import type { SweepStatus } from '../../../shared/schemas/sweep-status.schema.js';
import type { SweepClient } from '../../../shared/sweep/sweep-client.js';
import { intOption, note, parseSweepId, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { ProgressWriter, progressKey, progressLine } from '../format/progress-bar.js';
import { formatMetric } from '../format/table.js';
import type { PollWaker } from '../poll-waker.js';

/** A sweep is over when nothing is left to run. */
export function isFinished(status: SweepStatus): boolean {
  return status.state === 'completed' || status.state === 'cancelled';
}

/**
 * Polls `status` every `intervalMs` — at once when `waker` rings — drawing progress on stderr, until
 * the sweep finishes or `signal` aborts. Returns the last status.
 */
export async function followSweep(
  client: SweepClient,
  sweepId: string,
  options: { intervalMs: number; signal?: AbortSignal; waker?: PollWaker; onPoll?: (status: SweepStatus) => void },
): Promise<SweepStatus> {
  const writer = new ProgressWriter(process.stderr);
  try {
    for (;;) {
      const status = await client.status(sweepId);
      writer.update(progressLine(status), progressKey(status));
      options.onPoll?.(status);
      if (isFinished(status)) return status;
      if (options.waker !== undefined) await options.waker.wait(options.intervalMs, options.signal);
      else await sleep(options.intervalMs, undefined, options.signal === undefined ? {} : { signal: options.signal });
    }
  } finally {
    writer.done();
  }
}

export const watchCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const intervalMs = intOption(values, 'interval', 100, 60_000) ?? 1000;
    const status = await withClient(loadConfig(), (client) => followSweep(client, id, { intervalMs }));
    const c = status.counts;
    const best = status.best;
    note(
      `sweep ${status.state}: ${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled` +
        (best === null ? '' : `; best ${best.name} ${status.objective.metric}=${formatMetric(best.metrics?.[status.objective.metric])}`),
    );
    return 0;
  },
};
