/** `sweepq sweeps`: list sweeps, newest first. */
import { loadConfig } from '../../../shared/config/config.js';
import { flag, intOption, printJson, printLine, stringOption, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { formatDuration } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { formatTime } from '../format/time.js';

export const sweepsCommand: Command = {
  async run({ values }) {
    const options: { experiment?: string; limit?: number; offset?: number } = {};
    const experiment = stringOption(values, 'experiment');
    if (experiment !== undefined) options.experiment = experiment;
    const limit = intOption(values, 'limit', 1, 1000);
    if (limit !== undefined) options.limit = limit;
    const offset = intOption(values, 'offset', 0, 10_000_000);
    if (offset !== undefined) options.offset = offset;
    const sweeps = await withClient(loadConfig(), (client) => client.listSweeps(options));
    if (flag(values, 'json')) {
      printJson({ sweeps });
      return 0;
    }
    if (sweeps.length === 0) {
      printLine('no sweeps');
      return 0;
    }
    const rows = sweeps.map((s) => {
      const done = s.total - s.counts.queued - s.counts.active;
      return [
        s.id,
        s.name,
        s.state,
        `${done}/${s.total}`,
        String(s.counts.failed),
        `${s.objective.goal === 'maximize' ? 'max' : 'min'} ${s.objective.metric}`,
        formatTime(s.createdAt),
        s.finishedAt === null ? '-' : formatDuration(s.finishedAt - s.createdAt),
      ];
    });
    printLine(
      formatTable(['id', 'name', 'state', 'done', 'failed', 'objective', 'created', 'took'], rows, {
        align: ['left', 'left', 'left', 'right', 'right', 'left', 'left', 'right'],
      }),
    );
    return 0;
  },
};
