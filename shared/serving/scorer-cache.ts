/**
 * A small least-recently-used cache of loaded pipelines (as Scorers), keyed by artefact key. Artefact
 * keys are immutable (`artifacts/<sweep>/<trial>.<attempt>.json`: one key per attempt, never
 * rewritten), so an entry never goes stale: when a sweep's best trial changes, its key changes.
 * Synchronous: it lives in the scoring thread (scoring-thread.ts), which is handed the artefact bytes.
 */
import type { Scorer } from './scorer.js';

export class ScorerCache {
  private readonly entries = new Map<string, Scorer>();

  /** @param capacity most pipelines kept (at least 1). */
  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ScorerCache capacity must be a positive integer, got ${capacity}`);
  }

  /** The scorer of `key`, marked most recently used; undefined on a miss. */
  get(key: string): Scorer | undefined {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, cached);
    }
    return cached;
  }

  /** Keeps `scorer` under `key`, dropping the least recently used entries past the capacity. */
  set(key: string, scorer: Scorer): void {
    this.entries.delete(key);
    this.entries.set(key, scorer);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Keys held, least recently used first (for tests and inspection). */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
