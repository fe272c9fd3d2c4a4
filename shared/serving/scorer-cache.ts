/**
 * A small least-recently-used cache of loaded pipelines (as Scorers), keyed by artefact key. Artefact
 * keys are immutable (`artifacts/<sweep>/<trial>/<attempt>.json`: one key per attempt, never
 * rewritten), so an entry never goes stale: when a sweep's best trial changes, its key changes. Loads
 * of one key in flight are shared, so a burst of requests parses an artefact once.
 */
import { Scorer } from './scorer.js';

export class ScorerCache {
  private readonly entries = new Map<string, Scorer>();
  private readonly loading = new Map<string, Promise<Scorer>>();

  /** @param capacity most pipelines kept (at least 1). */
  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ScorerCache capacity must be a positive integer, got ${capacity}`);
  }

  /**
   * The scorer of `key`, loading the artefact with `load` on a miss. A failed load is not cached.
   * @throws whatever `load` throws; InvalidInputError INVALID_ARTIFACT when the bytes are no pipeline.
   */
  async get(key: string, load: () => Promise<Uint8Array>): Promise<Scorer> {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    let pending = this.loading.get(key);
    if (pending === undefined) {
      pending = (async () => Scorer.fromArtifact(await load(), `artefact ${key}`))();
      this.loading.set(key, pending);
      try {
        this.store(key, await pending);
      } finally {
        this.loading.delete(key);
      }
    }
    return pending;
  }

  /** Keys held, least recently used first (for tests and inspection). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private store(key: string, scorer: Scorer): void {
    this.entries.set(key, scorer);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
