/**
 * `sweepq report METRIC VALUE [--step N]`: reports one value of a program trial's metric to the worker
 * running it, over the trial's local socket (issue 14) — for programs that cannot print JSON lines on
 * stdout (a shell script, a tool whose stdout is busy). The socket exists only while its attempt runs:
 * a report after the attempt ended (or from a superseded attempt) is refused, exit 1.
 */
import { connect } from 'node:net';
import { InvalidInputError, SweepqError } from '../../../shared/errors/index.js';
import { intOption, type Command } from '../command.js';

export const reportCommand: Command = {
  async run({ positionals, values }) {
    const [metric, raw] = positionals as [string, string];
    const value = raw === 'null' || raw === 'nan' ? null : Number(raw);
    if (value !== null && !Number.isFinite(value))
      throw new InvalidInputError('INVALID_ARGUMENT', `value ${JSON.stringify(raw.slice(0, 40))} is not a number (write e.g. 0.91, or null for no value)`);
    const step = intOption(values, 'step', 0, Number.MAX_SAFE_INTEGER);
    // Not configuration: the worker sets it in the program's own environment, for this trial only.
    const socket = process.env.SWEEPQ_REPORT_SOCKET;
    if (socket === undefined || socket === '')
      throw new InvalidInputError('INVALID_ARGUMENT', 'sweepq report works inside a program trial only (SWEEPQ_REPORT_SOCKET is not set)');
    const line = `${JSON.stringify({ metric, value, ...(step === undefined ? {} : { step }) })}\n`;
    await new Promise<void>((resolve, reject) => {
      const client = connect(socket, () => client.end(line, () => resolve()));
      client.once('error', (error) =>
        reject(
          new SweepqError(
            'CONFLICT',
            `the trial's worker is not listening any more (${(error as NodeJS.ErrnoException).code ?? error.message}): the attempt has ended`,
          ),
        ),
      );
    });
    return 0;
  },
};
