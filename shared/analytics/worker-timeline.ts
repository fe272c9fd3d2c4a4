/**
 * Trials per worker over time. Up to `maxBars` finished trials are sent as bars (start, end, status);
 * beyond that each worker's lane is cut into time buckets and sends how busy it was (the fraction of the
 * bucket covered by trials) — optuna-dashboard shows only the last 100 trials instead.
 */
import type { TrialTable } from '../query/index.js';

export interface TimelineBars {
  mode: 'bars';
  workers: string[];
  /** Per bar: position in `workers`, start and end (ms since the epoch), status, trial index. */
  worker: number[];
  start: number[];
  end: number[];
  status: string[];
  index: number[];
}

export interface TimelineBuckets {
  mode: 'buckets';
  workers: string[];
  start: number;
  bucketMs: number;
  buckets: number;
  /** Per worker, per bucket: busy fraction in [0, 1] (several slots can make it exceed 1). */
  busy: number[][];
}

export type Timeline = (TimelineBars | TimelineBuckets) & { total: number; from: number; to: number };

export function workerTimeline(table: TrialTable, rows: Uint32Array, maxBars = 5000, buckets = 200): Timeline {
  const started = table.startedAt.values;
  const finished = table.finishedAt.values;
  const workerColumn = table.tag('worker');
  const laneOf = new Map<number, number>();
  const workers: string[] = [];
  const kept: number[] = [];
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const s = started[row]!;
    const e = finished[row]!;
    if (!Number.isFinite(s) || !Number.isFinite(e)) continue;
    const code = workerColumn === undefined ? -1 : workerColumn.codes[row]!;
    if (!laneOf.has(code)) {
      laneOf.set(code, workers.length);
      workers.push(code < 0 ? 'unknown' : workerColumn!.dictionary.values[code]!);
    }
    kept.push(row);
    if (s < from) from = s;
    if (e > to) to = e;
  }
  if (kept.length === 0) return { mode: 'bars', workers, worker: [], start: [], end: [], status: [], index: [], total: 0, from: 0, to: 0 };
  const lane = (row: number): number => laneOf.get(workerColumn === undefined ? -1 : workerColumn.codes[row]!)!;
  if (kept.length <= maxBars) {
    const bars: TimelineBars = { mode: 'bars', workers, worker: [], start: [], end: [], status: [], index: [] };
    for (const row of kept) {
      bars.worker.push(lane(row));
      bars.start.push(started[row]!);
      bars.end.push(finished[row]!);
      bars.status.push(table.statusOf(row) ?? 'queued');
      bars.index.push(row);
    }
    return { ...bars, total: kept.length, from, to };
  }
  const bucketMs = Math.max(1, (to - from) / buckets);
  const busy = workers.map(() => new Float64Array(buckets));
  for (const row of kept) {
    const laneBusy = busy[lane(row)]!;
    const s = started[row]!;
    const e = finished[row]!;
    const first = Math.min(buckets - 1, Math.floor((s - from) / bucketMs));
    const last = Math.min(buckets - 1, Math.floor((e - from) / bucketMs));
    for (let b = first; b <= last; b++) {
      const b0 = from + b * bucketMs;
      const overlap = Math.min(e, b0 + bucketMs) - Math.max(s, b0);
      if (overlap > 0) laneBusy[b]! += overlap / bucketMs;
    }
  }
  return { mode: 'buckets', workers, start: from, bucketMs, buckets, busy: busy.map((lane) => Array.from(lane)), total: kept.length, from, to };
}
