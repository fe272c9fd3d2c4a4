/** `sweepq server`: the scheduler API in this process until SIGTERM/SIGINT. */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { createLogger } from '../../../shared/logger/logger.js';
import { intOption, note, stringOption, type Command } from '../command.js';

export const serverCommand: Command = {
  async run({ values }) {
    const port = intOption(values, 'port', 0, 65_535);
    const host = stringOption(values, 'host');
    if (host !== undefined && !/^[A-Za-z0-9.:[\]-]{1,255}$/.test(host))
      throw new InvalidInputError('INVALID_ARGUMENT', `--host must be a host name or address, got "${host.slice(0, 80)}"`);
    const loaded = loadConfig();
    const config = { ...loaded, api: { ...loaded.api, ...(port === undefined ? {} : { port }), ...(host === undefined ? {} : { host }) } };
    const logger = createLogger({ level: config.logLevel, name: 'scheduler', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
    const { runServer } = await import('../../scheduler/run-server.js');
    await runServer({ config, logger, onListening: (address) => note(`sweepq server listening on ${address} (API description at ${address}/openapi.json)`) });
    return 0;
  },
};
