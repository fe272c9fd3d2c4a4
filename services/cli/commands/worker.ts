/** `sweepq worker`: a worker in this process until SIGTERM/SIGINT, then a graceful close. */
import { loadConfig } from '../../../shared/config/config.js';
import { createLogger } from '../../../shared/logger/logger.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { flag, intOption, stringOption, type Command } from '../command.js';

/** `--programs` (any executable) or `--allow-programs a,b` (those executables); neither: no programs. */
function programPolicy(any: boolean, list: string | undefined): { allow: ReadonlySet<string> | null } | undefined {
  if (any && list !== undefined) throw new InvalidInputError('INVALID_ARGUMENT', '--programs allows every program; give it or --allow-programs, not both');
  if (any) return { allow: null };
  if (list === undefined) return undefined;
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0 || names.some((n) => n.includes('/'))) {
    throw new InvalidInputError(
      'INVALID_ARGUMENT',
      `--allow-programs takes executable names separated by commas, e.g. python3,Rscript (got ${JSON.stringify(list.slice(0, 80))})`,
    );
  }
  return { allow: new Set(names) };
}

export const workerCommand: Command = {
  async run({ values }) {
    const concurrency = intOption(values, 'concurrency', 1, 256);
    const programs = programPolicy(flag(values, 'programs'), stringOption(values, 'allow-programs'));
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel, name: 'sweepq-worker', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
    // The training processes load the learners while this one loads the worker runtime and BullMQ.
    const { warmTrainingSlots } = await import('../../worker/warm-training-slots.js');
    const slots = warmTrainingSlots(config, concurrency);
    const { runWorkerProcess } = await import('../../worker/run-worker.js');
    await runWorkerProcess({ config, logger, slots, ...(programs === undefined ? {} : { programs }) });
    return 0;
  },
};
