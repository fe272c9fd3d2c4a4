/** `sweepq cancel ID`: remove queued trials and abort running ones. */
import { loadConfig } from '../../../shared/config/config.js';
import { flag, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';

export const cancelCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const status = await withClient(loadConfig(), (client) => client.cancel(id));
    if (flag(values, 'json')) printJson(status);
    else
      printLine(
        `sweep ${status.id} ${status.state}: ${status.counts.cancelled} cancelled, ${status.counts.completed} completed, ${status.counts.failed} failed`,
      );
    return 0;
  },
};
