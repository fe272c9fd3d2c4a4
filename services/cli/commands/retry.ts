/** `sweepq retry ID`: re-queue failed and cancelled trials. */
import { loadConfig } from '../../../shared/config/config.js';
import { flag, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';

export const retryCommand: Command = {
  name: 'retry',
  summary: 'retry failed and cancelled trials',
  usage: `usage: sweepq retry ID [--json]

Re-queues the failed and cancelled trials of sweep ID; completed trials are untouched.

  --json   print {"requeued":N}`,
  options: { json: { type: 'boolean' } },
  positionals: [1, 1],
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const result = await withClient(loadConfig(), (client) => client.retry(id));
    if (flag(values, 'json')) printJson(result);
    else printLine(`requeued ${result.requeued} trial${result.requeued === 1 ? '' : 's'}`);
    return 0;
  },
};
