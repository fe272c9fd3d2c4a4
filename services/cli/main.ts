/**
 * `sweepq` entry point: only wires. Builds the commander program, runs the command asked for, and
 * turns every error into `sweepq: <message>` on stderr with the exit code from error-codes.ts (2 for
 * bad input, 1 otherwise). Usage mistakes exit 2 (commander prints them, with "did you mean").
 */
import { SweepqError, exitCodeFor, formatLocation } from '../../shared/errors/index.js';
import { buildProgram, CommanderError } from './program.js';

/** Errors of the file system that mean "the path you gave is wrong", i.e. bad input. */
const BAD_PATH_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG']);
/** commander's exits that are not mistakes. */
const CLEAN_EXITS: ReadonlySet<string> = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

async function main(argv: string[]): Promise<number> {
  const { program, exitCode } = buildProgram();
  if (argv.length === 0) {
    process.stderr.write('sweepq: missing command\n\n');
    process.stderr.write(program.helpInformation());
    return 2;
  }
  await program.parseAsync(argv, { from: 'user' });
  return exitCode();
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed the message (or the help); only the exit code is ours.
    if (CLEAN_EXITS.has(error.code)) return 0;
    process.stderr.write("(run 'sweepq --help' or 'sweepq <command> --help' for usage)\n");
    return 2;
  }
  if (error instanceof SweepqError) {
    const where = formatLocation(error.location);
    process.stderr.write(`sweepq: ${error.message}${where === '' || error.message.includes(where) ? '' : ` (${where})`}\n`);
    return exitCodeFor(error.code);
  }
  const code = (error as { code?: unknown } | null)?.code;
  const listen = listenFailure(error);
  if (listen !== undefined) {
    process.stderr.write(`sweepq: ${listen}\n`);
    return 2;
  }
  if (typeof code === 'string' && BAD_PATH_CODES.has(code)) {
    const path = (error as { path?: unknown }).path;
    const reason =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'ENOTDIR'
            ? 'not a directory'
            : code === 'ENAMETOOLONG'
              ? 'name too long'
              : 'permission denied';
    process.stderr.write(`sweepq: ${typeof path === 'string' ? `${path}: ` : ''}${reason}\n`);
    return 2;
  }
  process.stderr.write(`sweepq: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

/** `serve`, `server` and `ui` asked for a port they cannot have: say which, and what to do. */
function listenFailure(error: unknown): string | undefined {
  const failure = error as { syscall?: unknown; code?: unknown; address?: unknown; port?: unknown } | null;
  if (failure?.syscall !== 'listen') return undefined;
  const where = `${typeof failure.address === 'string' ? failure.address : 'this host'}:${typeof failure.port === 'number' ? failure.port : '?'}`;
  if (failure.code === 'EADDRINUSE')
    return `${where} is already in use (another server on that port?): choose another with --port, or --port 0 for any free one`;
  if (failure.code === 'EACCES') return `no permission to listen on ${where} (ports below 1024 need root): choose a port of 1024 or above with --port`;
  if (failure.code === 'EADDRNOTAVAIL') return `${where} is not an address of this machine: check --host`;
  return undefined;
}

function exit(code: number): void {
  // Exit once stdout has drained, so a piped `--json` document is never cut short; an explicit exit
  // also ends the process if a library left a timer or socket behind.
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exit, (error: unknown) => exit(report(error)));
