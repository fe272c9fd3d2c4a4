/**
 * A program trial's command line: `${params.NAME}` placeholders replaced by the trial's values, as
 * text. Arguments stay an array (never a shell line), so a value can never become two arguments or
 * run anything.
 */
import { PLACEHOLDER_PATTERN } from '../schemas/program-spec.schema.js';
import { SweepqError } from '../errors/index.js';

/**
 * A param value as program text: numbers in their shortest round-trip form (`0.1`, `1e-7`, `100`),
 * `true`/`false`, `null`, strings unquoted.
 */
export function formatParamValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'nan';
  if (typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

/** The command with every placeholder filled. @throws SweepqError INVALID_SPEC naming a missing param. */
export function renderCommand(command: readonly string[], params: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const argument of command) {
    out.push(
      argument.replace(PLACEHOLDER_PATTERN, (_match, name: string) => {
        if (!Object.hasOwn(params, name)) throw new SweepqError('INVALID_SPEC', `the command uses \${params.${name}}, but this trial has no param ${name}`);
        return formatParamValue(params[name]);
      }),
    );
  }
  return out;
}
