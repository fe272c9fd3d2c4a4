/**
 * A program trial's run (shared/schemas/program-run.schema.ts) from its index record: the one reading
 * of a record that the dashboard route and the CLI share.
 *
 * Every end of a program run stores a structured record (`trial.program`: exit code, signal, reason,
 * bounded output tails, duration, history) — a completed or pruned trial with its commit, a failed,
 * cancelled or quarantined one beside its error. A trial without one (failed before its program ran,
 * or under an older version) shows its error text only.
 */
import type { ProgramRun } from '../schemas/program-run.schema.js';
import type { TrialRecord } from '../schemas/trial.schema.js';
import { renderCommand } from './render-command.js';

/** @param commandTemplate the sweep's `program.command`, or null when the caller does not have it. */
export function programRunOf(trial: TrialRecord, objective: string, commandTemplate: readonly string[] | null): ProgramRun {
  const kept = trial.program;
  return {
    trialId: trial.id,
    status: trial.status,
    objective,
    command: commandTemplate === null ? null : commandOf(commandTemplate, trial.params),
    exitCode: kept?.exitCode ?? null,
    signal: kept?.signal ?? null,
    // Without a record, the attempt's start to its end is the closest there is.
    durationMs: kept?.durationMs ?? trial.durationMs ?? (trial.startedAt !== null && trial.finishedAt !== null ? trial.finishedAt - trial.startedAt : null),
    stdout: kept?.stdout ?? null,
    stderr: kept?.stderr ?? null,
    reason: kept?.reason ?? null,
    failure: trial.error,
    history: kept?.history ?? {},
    invalidReports: kept?.invalidReports ?? 0,
    firstInvalidReport: kept?.firstInvalidReport ?? null,
  };
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
