/**
 * `sweepq ui`: the dashboard on the local state folder (or REDIS_URL) until Ctrl-C, like `mlflow ui`
 * on ./mlruns — the scheduler with its UI, printing a one-time login link for the browser.
 */
import { loadConfig } from '../../../shared/config/config.js';
import { createLogger } from '../../../shared/logger/logger.js';
import { intOption, note, type Command } from '../command.js';

export const uiCommand: Command = {
  async run({ values }) {
    const port = intOption(values, 'port', 0, 65_535);
    const loaded = loadConfig();
    const config = { ...loaded, api: { ...loaded.api, ...(port === undefined ? {} : { port }) } };
    const logger = createLogger({ level: config.logLevel, name: 'ui', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
    const { runServer } = await import('../../scheduler/run-server.js');
    const { requestLoginLink } = await import('../../scheduler/login-link.js');
    await runServer({
      config,
      logger,
      onListening: async (address, access) => {
        note(`sweepq dashboard: ${address}/ui/`);
        note(`open this one-time link to sign in (cancel, retry and extend included): ${await requestLoginLink(address, access.token)}`);
      },
    });
    return 0;
  },
};
