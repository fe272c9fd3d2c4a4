/**
 * Bench (g)'s time line of a split trial (issue 13 item 5): each worker's fold parts from its log
 * ('fold part recorded': when the job started, when its training started and ended, the training
 * process's CPU), relative to the submit, with the idle gaps between parts — where a 2-worker split
 * loses against a perfect halving of the work.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface FoldPartSpan {
  worker: string;
  part: string;
  /** Milliseconds since the submit. */
  startedMs: number;
  trainStartedMs: number;
  trainEndedMs: number;
  recordedMs: number;
  cpuMs: number;
  loadMs: number;
}

export interface FoldTimeline {
  parts: FoldPartSpan[];
  /** When the flow's parent committed the trial (ms since the submit), NaN if not logged. */
  committedMs: number;
}

interface PartLine {
  msg?: string;
  time?: number;
  part?: string;
  startedAt?: number;
  trainStartedAt?: number;
  trainEndedAt?: number;
  recordedAt?: number;
  cpuMs?: number;
  loadMs?: number;
}

/** Reads the `worker-<i>.log` files of `logDir` (pino JSON lines). */
export function readFoldTimeline(logDir: string, submittedEpoch: number): FoldTimeline {
  const parts: FoldPartSpan[] = [];
  let committedMs = Number.NaN;
  for (const file of readdirSync(logDir).filter((name) => name.endsWith('.log'))) {
    const worker = path.basename(file, '.log');
    for (const text of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      if (!text.startsWith('{')) continue;
      let line: PartLine;
      try {
        line = JSON.parse(text) as PartLine;
      } catch {
        continue;
      }
      if (line.msg === 'split trial completed' && line.time !== undefined) committedMs = line.time - submittedEpoch;
      if (line.msg !== 'fold part recorded' || line.startedAt === undefined || line.trainStartedAt === undefined) continue;
      parts.push({
        worker,
        part: line.part ?? '?',
        startedMs: line.startedAt - submittedEpoch,
        trainStartedMs: line.trainStartedAt - submittedEpoch,
        trainEndedMs: (line.trainEndedAt ?? Number.NaN) - submittedEpoch,
        recordedMs: (line.recordedAt ?? Number.NaN) - submittedEpoch,
        cpuMs: line.cpuMs ?? Number.NaN,
        loadMs: line.loadMs ?? Number.NaN,
      });
    }
  }
  parts.sort((a, b) => a.worker.localeCompare(b.worker) || a.startedMs - b.startedMs);
  return { parts, committedMs };
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

/** A part's character in the bar: a fold's index, `t` for a tree range, `M` for the fit (the merge). */
function partChar(part: string): string {
  if (part === 'fit') return 'M';
  return part.startsWith('t') ? 't' : part.slice(1, 2);
}

/**
 * One line per part (worker, part, job start → training → recorded, CPU), a bar per worker (~80
 * characters for the trial: see partChar while training, `.` for the rest of the job), then per worker
 * its training time, CPU and the gaps outside training.
 */
export function renderFoldTimeline(timeline: FoldTimeline): string {
  const lines: string[] = [];
  // A checkout from before these log fields (a --baseline) logs no part spans.
  if (timeline.parts.length === 0) lines.push("  (no part spans in the workers' logs)");
  for (const p of timeline.parts) {
    lines.push(
      `  ${p.worker.padEnd(9)} ${p.part.padEnd(8)} job ${seconds(p.startedMs).padStart(6)} s  train ${seconds(p.trainStartedMs).padStart(6)} → ${seconds(p.trainEndedMs).padStart(6)} s` +
        ` (${seconds(p.trainEndedMs - p.trainStartedMs)} s wall, ${seconds(p.cpuMs)} s CPU, load ${seconds(p.loadMs)} s)  recorded ${seconds(p.recordedMs).padStart(6)} s`,
    );
  }
  const end = Number.isFinite(timeline.committedMs) ? timeline.committedMs : Math.max(0, ...timeline.parts.map((p) => p.recordedMs));
  // About 80 characters for the whole trial, in round steps.
  const msPerChar = Math.max(25, Math.ceil(end / 80 / 25) * 25);
  const workers = [...new Set(timeline.parts.map((p) => p.worker))];
  for (const worker of workers) {
    const mine = timeline.parts.filter((p) => p.worker === worker);
    const bar = new Array<string>(Math.max(1, Math.ceil(end / msPerChar))).fill(' ');
    let training = 0;
    let cpu = 0;
    for (const p of mine) {
      training += p.trainEndedMs - p.trainStartedMs;
      cpu += p.cpuMs;
      for (let c = Math.floor(p.startedMs / msPerChar); c < Math.ceil(p.recordedMs / msPerChar) && c < bar.length; c++) bar[c] = '.';
      for (let c = Math.floor(p.trainStartedMs / msPerChar); c < Math.ceil(p.trainEndedMs / msPerChar) && c < bar.length; c++) bar[c] = partChar(p.part);
    }
    lines.push(
      `  ${worker.padEnd(9)} |${bar.join('')}|  training ${seconds(training)} s, CPU ${seconds(cpu)} s, outside training ${seconds(end - training)} s of ${seconds(end)} s`,
    );
  }
  lines.push(
    `  committed at ${seconds(end)} s after the submit (one character = ${msPerChar} ms; 0–9 a CV fold, t a tree range, M the final fit or merge, . job outside training)`,
  );
  return lines.join('\n');
}
