/** `sweepq extend ID FILE`: add the trials of a sweep file to an existing sweep. */
import { loadConfig } from '../../../shared/config/config.js';
import { flag, note, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { uploadSweepFiles, validateSweepFile } from './submit.js';

export const extendCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const config = loadConfig();
    // Validated before connecting, like submit: a file that would be refused uploads nothing.
    const { spec, files } = await validateSweepFile(positionals[1]!, config.limits.maxTrials);
    const result = await withClient(config, async (client) => {
      await uploadSweepFiles(client, files);
      return client.extend(id, spec);
    });
    if (flag(values, 'json')) printJson(result);
    else {
      printLine(result.sweepId);
      note(`extended ${result.name}: ${result.total} trial${result.total === 1 ? '' : 's'}`);
    }
    return 0;
  },
};
