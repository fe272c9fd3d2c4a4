/**
 * `sweepq` entry point: only wires. Parses argv strictly (node:util parseArgs), loads the one command
 * module asked for, runs it, and turns every error into `sweepq: <message>` on stderr with the exit
 * code from error-codes.ts (2 for bad input, 1 otherwise). Usage mistakes print the usage and exit 2.
 */
import { parseArgs } from 'node:util';
import { SweepqError, exitCodeFor, formatLocation } from '../../shared/errors/index.js';
import type { Command, OptionValues } from './command.js';

/** Command modules, loaded on demand so `sweepq predict` never loads Redis or BullMQ. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  submit: async () => (await import('./commands/submit.js')).submitCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  trials: async () => (await import('./commands/trials.js')).trialsCommand,
  sweeps: async () => (await import('./commands/sweeps.js')).sweepsCommand,
  best: async () => (await import('./commands/best.js')).bestCommand,
  predict: async () => (await import('./commands/predict.js')).predictCommand,
  cancel: async () => (await import('./commands/cancel.js')).cancelCommand,
  retry: async () => (await import('./commands/retry.js')).retryCommand,
  extend: async () => (await import('./commands/extend.js')).extendCommand,
  worker: async () => (await import('./commands/worker.js')).workerCommand,
};

const USAGE = `usage: sweepq <command> [options]

commands:
  run FILE          run a sweep locally: embedded Redis + worker processes, then the leaderboard
  submit FILE       submit a sweep to a running sweepq; prints the sweep id
  status ID         progress, ETA and best trial of a sweep
  watch ID          live progress until the sweep finishes
  trials ID         the trials of a sweep as a comparison table
  sweeps            list sweeps
  best ID           the best trial; --out saves its fitted model
  predict MODEL CSV predict with a saved model
  cancel ID         cancel queued and running trials
  retry ID          re-queue failed and cancelled trials
  extend ID FILE    add the trials of FILE to a sweep
  worker            run a worker in this process

Run 'sweepq <command> --help' for the options of a command.
Connection: SWEEPQ_API_URL (scheduler API, with SWEEPQ_API_TOKEN) or REDIS_URL (direct).`;

/** A mistake in the command line: printed with the relevant usage, exit 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

function parseCommandLine(command: Command, args: string[]): { positionals: string[]; values: OptionValues; help: boolean } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs' messages are precise ("Unknown option '--x'"); only its code marks them as usage errors.
    if (error instanceof TypeError && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message, command.usage);
    }
    throw error;
  }
  const values = parsed.values as OptionValues;
  const help = values.help === true;
  const [min, max] = command.positionals;
  if (!help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    const problem = parsed.positionals.length < min ? 'missing argument' : `unexpected argument '${parsed.positionals[max] ?? ''}'`;
    throw new UsageError(`${command.name}: ${problem}`, command.usage);
  }
  return { positionals: parsed.positionals, values, help };
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('missing command', USAGE);
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) throw new UsageError(`unknown command '${name}'`, USAGE);
  const command = await load();
  const { positionals, values, help } = parseCommandLine(command, rest);
  if (help) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run({ positionals, values });
}

/** Errors of the file system that mean "the path you gave is wrong", i.e. bad input. */
const BAD_PATH_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG']);

function report(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`sweepq: ${error.message}\n\n${error.usage}\n`);
    return 2;
  }
  if (error instanceof SweepqError) {
    const where = formatLocation(error.location);
    process.stderr.write(`sweepq: ${error.message}${where === '' || error.message.includes(where) ? '' : ` (${where})`}\n`);
    return exitCodeFor(error.code);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && BAD_PATH_CODES.has(code)) {
    const path = (error as { path?: unknown }).path;
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'ENOTDIR' ? 'not a directory' : code === 'ENAMETOOLONG' ? 'name too long' : 'permission denied';
    process.stderr.write(`sweepq: ${typeof path === 'string' ? `${path}: ` : ''}${reason}\n`);
    return 2;
  }
  process.stderr.write(`sweepq: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function exit(code: number): void {
  // Exit once stdout has drained, so a piped `--json` document is never cut short; an explicit exit
  // also ends the process if a library left a timer or socket behind.
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exit, (error: unknown) => exit(report(error)));
