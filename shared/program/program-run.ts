/**
 * A program trial's run (shared/schemas/program-run.schema.ts) from its index record: the one reading
 * of a record that the dashboard route and the CLI share.
 *
 * A completed (or pruned) trial's record carries its output tails and exit code. A failed one carries
 * only its error, which quotes the last output lines of the stream that explains the failure
 * (services/worker/program/program-trial.ts: `…; last stderr lines:\n<tail>`): that quote is the tail
 * shown, and the text before it the failure reason.
 */
import type { ProgramRun } from '../schemas/program-run.schema.js';
import type { TrialRecord } from '../schemas/trial.schema.js';
import { renderCommand } from './render-command.js';

const QUOTED_TAIL = /; last (stdout|stderr) lines:\n/;
/** What a quarantine appends after the quoted tail (services/worker/failure-decision.ts). */
const QUARANTINE_NOTE = / \(crashed \d+ times; `sweepq retry` runs it again\)$/;

/** @param commandTemplate the sweep's `program.command`, or null when the caller does not have it. */
export function programRunOf(trial: TrialRecord, objective: string, commandTemplate: readonly string[] | null): ProgramRun {
  const kept = trial.program;
  let stdout = kept?.stdout ?? null;
  let stderr = kept?.stderr ?? null;
  let failure: string | null = null;
  if (trial.error !== null) {
    const quoted = failureOf(trial.error);
    failure = quoted.reason;
    if (quoted.stream === 'stdout' && stdout === null) stdout = quoted.tail;
    if (quoted.stream === 'stderr' && stderr === null) stderr = quoted.tail;
  }
  const exit = /\bexited with code (-?\d+)/.exec(failure ?? '');
  const signal = /\bkilled by (SIG[A-Z0-9]+)/.exec(failure ?? '');
  return {
    trialId: trial.id,
    status: trial.status,
    objective,
    command: commandTemplate === null ? null : commandOf(commandTemplate, trial.params),
    exitCode: kept !== undefined ? kept.exitCode : exit === null ? null : Number(exit[1]),
    signal: signal === null ? null : signal[1]!,
    // A failed trial records no duration; its attempt's start to its end is the closest there is.
    durationMs: trial.durationMs ?? (trial.startedAt !== null && trial.finishedAt !== null ? trial.finishedAt - trial.startedAt : null),
    stdout,
    stderr,
    failure,
    history: kept?.history ?? {},
    invalidReports: kept?.invalidReports ?? 0,
    firstInvalidReport: kept?.firstInvalidReport ?? null,
  };
}

/** Splits a failed trial's error into its reason and the output lines it quotes. */
function failureOf(error: string): { reason: string; stream: 'stdout' | 'stderr' | null; tail: string } {
  const match = QUOTED_TAIL.exec(error);
  if (match === null) return { reason: error, stream: null, tail: '' };
  let tail = error.slice(match.index + match[0].length);
  let reason = error.slice(0, match.index);
  const note = QUARANTINE_NOTE.exec(tail);
  if (note !== null) {
    tail = tail.slice(0, note.index);
    reason += note[0];
  }
  return { reason, stream: match[1] as 'stdout' | 'stderr', tail };
}

function commandOf(template: readonly string[], params: Readonly<Record<string, unknown>>): string[] | null {
  try {
    return renderCommand(template, params);
  } catch {
    // A param the command names is missing (a trial added by an older spec): show no command rather than fail the page.
    return null;
  }
}

/** The last `lines` lines of an output tail (a trailing newline does not count as an empty line). */
export function lastLines(text: string, lines: number): string[] {
  const all = text.replace(/\n$/, '').split('\n');
  return all.length <= lines ? all : all.slice(all.length - lines);
}
