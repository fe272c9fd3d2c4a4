/**
 * A program trial's output in a terminal (issue 14): its run as `sweepq trial` prints it, and the
 * failed trials `sweepq status` lists. The output is the user's program's text: control characters
 * (terminal escapes) are shown as `?` so they can never move the cursor or recolour the terminal.
 */
import { lastLines, programRunOf } from '../../../shared/program/program-run.js';
import type { ProgramRun } from '../../../shared/schemas/program-run.schema.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import { formatMetric } from './table.js';

/** stderr lines quoted per failed trial by `sweepq status`. */
export const STATUS_TAIL_LINES = 5;
/** Failed trials `sweepq status` quotes. */
export const STATUS_FAILED_TRIALS = 3;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x9b]/g;

function printable(text: string): string {
  return text.replace(CONTROL, '?');
}

function quoted(lines: string[]): string[] {
  return lines.map((line) => `    | ${printable(line)}`);
}

/** The human lines of a program run: exit, failure, reported history, then both output tails. */
export function renderProgramRun(run: ProgramRun): string {
  const lines = [`exit      ${run.signal !== null ? `killed by ${run.signal}` : run.exitCode !== null ? `code ${run.exitCode}` : '-'}`];
  if (run.command !== null) lines.push(`command   ${printable(run.command.join(' '))}`);
  if (run.failure !== null) lines.push(`failure   ${printable(run.failure)}`);
  const metrics = Object.keys(run.history).sort();
  if (metrics.length > 0) {
    lines.push('history');
    for (const metric of metrics) {
      const points = run.history[metric]!;
      const last = points[points.length - 1];
      lines.push(`  ${metric}: ${points.length} report${points.length === 1 ? '' : 's'}, last ${formatMetric(last?.[1] ?? null)} at step ${last?.[0] ?? '-'}`);
    }
  }
  if (run.invalidReports > 0) lines.push(`invalid   ${run.invalidReports} report-like line(s); first: ${printable(run.firstInvalidReport ?? '')}`);
  for (const stream of ['stderr', 'stdout'] as const) {
    const text = run[stream];
    if (text === null) lines.push(`${stream}    not kept (a failed trial keeps only the lines its error quotes)`);
    else if (text.trim() === '') lines.push(`${stream}    (empty)`);
    else lines.push(`${stream} (last lines)`, ...quoted(lastLines(text, Number.MAX_SAFE_INTEGER)));
  }
  return lines.join('\n');
}

/**
 * The failed trials `sweepq status` quotes: each one's reason and the last few lines of its stderr,
 * with the commands that show more.
 */
export function renderFailedProgramTrials(sweepId: string, failed: readonly TrialRecord[], totalFailed: number): string {
  const lines = [`failed    ${totalFailed} program trial${totalFailed === 1 ? '' : 's'}${totalFailed > failed.length ? `, the first ${failed.length}:` : ':'}`];
  for (const trial of failed) {
    const run = programRunOf(trial, '', null);
    lines.push(`  ${trial.id}  ${printable(run.failure ?? trial.error ?? 'failed')}`);
    const tail = run.stderr ?? run.stdout;
    if (tail !== null && tail.trim() !== '') lines.push(...quoted(lastLines(tail, STATUS_TAIL_LINES)));
  }
  const first = failed[0];
  if (first !== undefined) lines.push(`  more: sweepq trial ${first.id} (its whole output tail) · sweepq trials ${sweepId} --status failed`);
  return lines.join('\n');
}
