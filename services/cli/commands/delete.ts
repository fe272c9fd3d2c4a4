/** `sweepq delete ID`: remove a finished or cancelled sweep's jobs, artefacts and records. */
import { loadConfig } from '../../../shared/config/config.js';
import { flag, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';

export const deleteCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const report = await withClient(loadConfig(), (client) => client.delete(id));
    if (flag(values, 'json')) printJson(report);
    else printLine(`deleted sweep ${report.sweepId}: ${report.trials} trial record(s), ${report.jobs} job(s), ${report.objects} stored object(s)`);
    return 0;
  },
};
