/**
 * What a `sweepq` sub-command implements. program.ts declares each command's arguments and options
 * with commander and hands the parsed values to `run`.
 */
import { InvalidInputError } from '../../shared/errors/index.js';
import { SweepIdSchema } from '../../shared/schemas/trial.schema.js';

/** Parsed option values by commander's camelCase name (`--order-by` → `orderBy`). */
export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandInput {
  positionals: readonly string[];
  values: OptionValues;
}

export interface Command {
  /** Runs the command; the resolved number is the process exit code. */
  run(input: CommandInput): Promise<number>;
}

/** Writes one JSON document (the only thing a `--json` command prints on stdout). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes human output on stdout. */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Writes notes and progress on stderr (never mixed into stdout, which scripts capture). */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** A string option, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean flag. */
export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/**
 * An integer option within [min, max]; undefined when absent.
 * @throws InvalidInputError INVALID_ARGUMENT naming the option.
 */
export function intOption(values: OptionValues, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const flagName = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!/^\d+$/.test(raw.trim())) throw new InvalidInputError('INVALID_ARGUMENT', `${flagName} must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new InvalidInputError('INVALID_ARGUMENT', `${flagName} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Validates a sweep id argument before it is sent anywhere. @throws InvalidInputError INVALID_ARGUMENT. */
export function parseSweepId(raw: string): string {
  const result = SweepIdSchema.safeParse(raw);
  if (!result.success) throw new InvalidInputError('INVALID_ARGUMENT', `not a sweep id: "${raw}" (${result.error.issues[0]?.message ?? 'invalid'})`);
  return result.data;
}
