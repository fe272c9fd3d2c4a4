/**
 * `sweepq serve MODEL | --sweep ID [--trial T] [--port N] [--host H] [--max-rows N]`: the MLflow-style
 * scoring server (services/serving/scoring.app.ts) for one model until SIGTERM/SIGINT. A sweep's model
 * is fetched once at start (the connection is closed again): the server then needs neither Redis nor
 * the scheduler, and keeps serving that trial even when a better one finishes later.
 */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { createLogger } from '../../../shared/logger/logger.js';
import { Scorer } from '../../../shared/serving/index.js';
import { intOption, note, stringOption, type Command } from '../command.js';
import { loadModel } from '../model-source.js';

/** Default port: beside the scheduler's 8080, and not MLflow's 5000 (its tracking UI often runs there). */
export const DEFAULT_SERVE_PORT = 8081;

export const serveCommand: Command = {
  async run({ positionals, values }) {
    const port = intOption(values, 'port', 0, 65_535) ?? DEFAULT_SERVE_PORT;
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    if (!/^[A-Za-z0-9.:[\]-]{1,255}$/.test(host))
      throw new InvalidInputError('INVALID_ARGUMENT', `--host must be a host name or address, got "${host.slice(0, 80)}"`);
    const config = loadConfig();
    const maxRows = intOption(values, 'maxRows', 1, 10_000_000) ?? config.serving.maxRows;
    const model = await loadModel(positionals[0], values);
    const logger = createLogger({ level: config.logLevel, name: 'serve', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
    const signal = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const { buildScoringApp } = await import('../../serving/scoring.app.js');
    const app = buildScoringApp({ scorer: new Scorer(model.pipeline), maxRows, bodyLimitBytes: config.serving.bodyLimitBytes, logger });
    try {
      const address = await app.listen({ port, host });
      const { pipeline } = model;
      const what = pipeline.task === 'classification' ? `classifier of ${pipeline.classes.length} classes` : 'regressor';
      note(`sweepq serve: ${model.description} (${what}, ${pipeline.inputColumns.length} input columns) at ${address}/invocations`);
      await signal;
    } finally {
      await app.close();
    }
    return 0;
  },
};
