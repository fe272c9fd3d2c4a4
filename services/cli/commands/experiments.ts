/** `sweepq experiments`: list experiments; `--trials NAME` queries the trials of all its sweeps. */
import { loadConfig } from '../../../shared/config/config.js';
import { flag, intOption, printJson, printLine, stringOption, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { formatTable } from '../format/table.js';
import { formatTime } from '../format/time.js';
import { printTrialPage, trialQueryFrom } from './trials.js';

export const experimentsCommand: Command = {
  async run({ values }) {
    const name = stringOption(values, 'trials');
    const json = flag(values, 'json');
    if (name !== undefined) {
      const query = trialQueryFrom(values);
      const page = await withClient(loadConfig(), (client) => client.experimentTrials(name, query));
      printTrialPage(page, query, json);
      return 0;
    }
    const limit = intOption(values, 'limit', 1, 1000);
    const offset = intOption(values, 'offset', 0, 10_000_000);
    const experiments = await withClient(loadConfig(), (client) =>
      client.listExperiments({ ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) }),
    );
    if (json) printJson({ experiments });
    else if (experiments.length === 0) printLine('no experiments');
    else
      printLine(
        formatTable(
          ['name', 'sweeps', 'last submitted'],
          experiments.map((e) => [e.name, String(e.sweeps), formatTime(e.lastSubmittedAt)]),
          { align: ['left', 'right', 'left'] },
        ),
      );
    return 0;
  },
};
