/**
 * Sweep progress for `watch` and `run`: one line with a bar, counts, elapsed time and ETA. On a TTY the
 * line is redrawn in place (`\r` + erase to end of line); otherwise a new line is written only when the
 * text changes, so logs and CI output stay readable.
 */
import type { SweepStatus } from '../../../shared/schemas/sweep-status.schema.js';
import { formatDuration } from './duration.js';

/** `[#########-----------]` for a fraction in [0, 1]. */
export function progressBar(fraction: number, width = 24): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** Number of trials that reached a final state. */
export function finishedTrials(status: Pick<SweepStatus, 'counts'>): number {
  const c = status.counts;
  return c.completed + c.failed + c.cancelled + c.pruned + c.quarantined;
}

/** One progress line, e.g. `[####----] 50% 10/20 · 2 active · 1 failed · 12.0s elapsed · ETA 12.0s`. */
export function progressLine(status: SweepStatus, width = 24): string {
  const done = finishedTrials(status);
  const fraction = status.total > 0 ? done / status.total : 1;
  const parts = [`${progressBar(fraction, width)} ${Math.floor(fraction * 100)}% ${done}/${status.total}`];
  if (status.counts.active > 0) parts.push(`${status.counts.active} active`);
  if (status.counts.failed > 0) parts.push(`${status.counts.failed} failed`);
  if (status.counts.cancelled > 0) parts.push(`${status.counts.cancelled} cancelled`);
  parts.push(`${formatDuration(status.elapsedMs)} elapsed`);
  if (status.etaMs !== null && status.state !== 'completed' && status.state !== 'cancelled') parts.push(`ETA ${formatDuration(status.etaMs)}`);
  return parts.join(' · ');
}

/** The part of a writable stream the progress writer needs (process.stderr in practice). */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

/** What a progress line says apart from the clock: a new non-TTY line is due only when this changes. */
export function progressKey(status: SweepStatus): string {
  const c = status.counts;
  return `${status.state} ${c.queued} ${c.active} ${c.completed} ${c.failed} ${c.cancelled} ${status.total}`;
}

/** Writes progress lines: redraws in place on a TTY, one line per change of `key` otherwise. */
export class ProgressWriter {
  private last = '';
  private lastKey = '';
  private drawn = false;

  constructor(private readonly stream: ProgressStream) {}

  /** `key` defaults to the line itself; pass one without the elapsed time so logs get a line per real change. */
  update(line: string, key: string = line): void {
    if (this.stream.isTTY === true) {
      if (line === this.last) return;
      this.last = line;
      this.stream.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else {
      if (key === this.lastKey) return;
      this.lastKey = key;
      this.stream.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so later output starts on a fresh line. */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
