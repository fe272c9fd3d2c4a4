/** `sweepq workers`: the live workers (worker registry) and what they train. */
import { loadConfig } from '../../../shared/config/config.js';
import type { WorkerInfo } from '../../../shared/schemas/worker.schema.js';
import { flag, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { formatDuration } from '../format/duration.js';
import { formatTable } from '../format/table.js';

/** The workers as a table (also used by `status`). */
export function renderWorkers(workers: readonly WorkerInfo[], now = Date.now()): string {
  if (workers.length === 0) return 'no live workers';
  return formatTable(
    ['worker', 'host', 'pid', 'slots', 'training', 'finished', 'heartbeat', 'last error'],
    workers.map((w) => [
      w.id,
      w.host,
      String(w.pid),
      String(w.slots),
      w.current.length === 0 ? '-' : w.current.join(' '),
      String(w.finished),
      `${formatDuration(Math.max(0, now - w.heartbeatAt))} ago`,
      w.lastError === null ? '-' : w.lastError.slice(0, 60),
    ]),
    { align: ['left', 'left', 'right', 'right', 'left', 'right', 'right', 'left'] },
  );
}

export const workersCommand: Command = {
  async run({ values }) {
    const workers = await withClient(loadConfig(), (client) => client.workers());
    if (flag(values, 'json')) printJson({ workers });
    else printLine(renderWorkers(workers));
    return 0;
  },
};
