/**
 * Per-trial time line of one sweep run (bench:sweep (a), issue 13 item 3 (a)): which worker ran each
 * trial, when it was claimed and committed (ms since the sweep's first claim), its training time in the
 * training process, and each worker's idle time between the first claim and the last commit — where
 * the span from first claim to last commit goes.
 */
import { formatTable } from '../../services/cli/format/table.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';

export interface TrialSpan {
  name: string;
  /** Workers numbered in order of their first claim. */
  worker: number;
  claimMs: number;
  commitMs: number;
  /** runTrial's total (CV, final fit, test scoring) in the training process. */
  trainingMs: number;
  /** Reading the data in the training process (its first trial of the data only). */
  loadMs: number;
}

/** The trials' spans in claim order; empty when no trial was claimed. */
export function trialSpans(trials: readonly TrialRecord[]): TrialSpan[] {
  const ran = trials.filter((t) => t.startedAt !== null && t.finishedAt !== null).sort((a, b) => a.startedAt! - b.startedAt!);
  if (ran.length === 0) return [];
  const first = ran[0]!.startedAt!;
  const workers: string[] = [];
  return ran.map((t) => {
    const worker = t.worker ?? '?';
    if (!workers.includes(worker)) workers.push(worker);
    return {
      name: t.name,
      worker: workers.indexOf(worker) + 1,
      claimMs: t.startedAt! - first,
      commitMs: t.finishedAt! - first,
      trainingMs: t.timings?.totalMs ?? 0,
      loadMs: t.timings?.loadMs ?? 0,
    };
  });
}

/** The spans as a table, then each worker's busy and idle time within the first claim → last commit span. */
export function renderTrialTimeline(spans: readonly TrialSpan[]): string {
  const table = formatTable(
    ['trial', 'worker', 'claimed (ms)', 'committed (ms)', 'claim → commit', 'training', 'data load'],
    spans.map((s) => [
      s.name,
      String(s.worker),
      s.claimMs.toFixed(0),
      s.commitMs.toFixed(0),
      (s.commitMs - s.claimMs).toFixed(0),
      s.trainingMs.toFixed(0),
      s.loadMs.toFixed(0),
    ]),
    { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'] },
  );
  let end = 0;
  for (const s of spans) end = Math.max(end, s.commitMs);
  const lines: string[] = [];
  const workers = new Set(spans.map((s) => s.worker));
  for (const worker of workers) {
    let busy = 0;
    for (const s of spans) if (s.worker === worker) busy += s.commitMs - s.claimMs;
    lines.push(`worker ${worker}: busy ${busy.toFixed(0)} ms, idle ${(end - busy).toFixed(0)} ms of the ${end.toFixed(0)} ms span`);
  }
  return `${table}\n${lines.join('\n')}`;
}
