/**
 * A program trial's output in a terminal (issue 14): its run as `sweepq trial` prints it, and the
 * failed trials `sweepq status` lists. The output is the user's program's text: control characters
 * (terminal escapes) are shown as `?` so they can never move the cursor or recolour the terminal.
 */
import { describeProgramEnd } from '../../../shared/program/program-end-reason.js';
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

/** The human lines of a program run: exit, why it ended, failure, reported history, then both output tails. */
export function renderProgramRun(run: ProgramRun): string {
  const lines = [`exit      ${run.signal !== null ? `killed by ${run.signal}` : run.exitCode !== null ? `code ${run.exitCode}` : '-'}`];
  if (run.reason !== null) lines.push(`ended     ${run.reason}: ${describeProgramEnd(run.reason)}`);
  if (run.command !== null) lines.push(`command   ${printable(run.command.join(' '))}`);
  if (run.failure !== null) lines.push(...multiline('failure   ', run.failure));
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
    if (text === null) lines.push(`${stream}    not recorded (the program never ran, or it failed under an older sweepq: its error says what was kept)`);
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
    // Without a run record (an older version's failure) the error is all there is, its quoted lines included.
    const [reason = 'failed', ...quotedByError] = (run.failure ?? 'failed').split('\n');
    lines.push(`  ${trial.id}  ${printable(reason)}`);
    const tail = explainingTail(run);
    if (tail !== null) lines.push(...quoted(lastLines(tail, STATUS_TAIL_LINES)));
    else if (quotedByError.length > 0) lines.push(...quoted(lastLines(quotedByError.join('\n'), STATUS_TAIL_LINES)));
  }
  const first = failed[0];
  if (first !== undefined) lines.push(`  more: sweepq trial ${first.id} (its whole output tail) · sweepq trials ${sweepId} --status failed`);
  return lines.join('\n');
}

/** The output that explains a failed run: stdout when it exited 0 without its objective, else stderr (stdout when stderr is empty). */
function explainingTail(run: ProgramRun): string | null {
  const nonEmpty = (text: string | null): string | null => (text === null || text.trim() === '' ? null : text);
  if (run.reason === 'no-objective' || run.reason === 'garbage') return nonEmpty(run.stdout);
  return nonEmpty(run.stderr) ?? nonEmpty(run.stdout);
}

/** A labelled text over several lines: the first after the label, the rest indented under it. */
function multiline(label: string, text: string): string[] {
  const [first = '', ...rest] = text.split('\n');
  return [`${label}${printable(first)}`, ...rest.map((line) => `${' '.repeat(label.length)}${printable(line)}`)];
}
