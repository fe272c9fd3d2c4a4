/** `sweepq extend ID FILE`: add the trials of a sweep file to an existing sweep (built-in or program). */
import { loadConfig } from '../../../shared/config/config.js';
import { loadAnySweepFile } from '../../../shared/sweep/load-sweep-file.js';
import { flag, note, parseSweepId, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { uploadSweepFiles } from './submit.js';

export const extendCommand: Command = {
  async run({ positionals, values }) {
    const id = parseSweepId(positionals[0]!);
    const config = loadConfig();
    // Validated before connecting, like submit: a file that would be refused uploads nothing.
    const loaded = await loadAnySweepFile(positionals[1]!, { maxTrials: config.limits.maxTrials });
    const result = await withClient(config, async (client) => {
      if (loaded.kind === 'builtin') await uploadSweepFiles(client, loaded.files);
      // A program's bundle is content-addressed: unchanged code uploads nothing, changed code is refused by the sweep.
      else if (loaded.bundle !== null) await client.uploadBundle(loaded.bundle);
      return client.extend(id, loaded.spec);
    });
    if (flag(values, 'json')) printJson(result);
    else {
      printLine(result.sweepId);
      note(`extended ${result.name}: ${result.total} trial${result.total === 1 ? '' : 's'}`);
    }
    return 0;
  },
};
