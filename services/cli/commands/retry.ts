/** `sweepq retry ID`: re-queue failed and cancelled trials. */
import { loadConfig } from '../../../shared/config/config.js';
import { flag, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';

export const retryCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const result = await withClient(loadConfig(), (client) => client.retry(id));
    if (flag(values, 'json')) printJson(result);
    else printLine(`requeued ${result.requeued} trial${result.requeued === 1 ? '' : 's'}`);
    return 0;
  },
};
