/**
 * Chart and aggregate answers kept until the sweep's table changes (optuna-dashboard caches by
 * completed-trial count; the read model's `revision` is finer: any trial written bumps it). A finished
 * sweep's charts are computed once; a running sweep's at most once per change, however many pages
 * watch it. Bounded: least recently used answers go first.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { revision: number; answer: unknown }>();

  constructor(private readonly maxEntries: number) {}

  /** The answer for `key` at `revision`, computed by `compute` when absent or stale. */
  get<T>(key: string, revision: number, compute: () => T): T {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.revision === revision) {
      // Re-inserting moves the key to the back of the Map's order: the LRU order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.answer as T;
    }
    const answer = compute();
    this.entries.delete(key);
    this.entries.set(key, { revision, answer });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return answer;
  }
}
