/**
 * Micro-cache for the API's read routes. Dashboards and CLIs poll status and leaderboards; fifty
 * clients polling one sweep should cost one Redis round trip and one JSON serialization per TTL, not
 * fifty — the scheduler shares its machine with CPU-bound workers. A response is at most `ttlMs` stale
 * (250 ms by default); mutations through this API drop the sweep's entries at once.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { expires: number; body: string }>();
  /** Concurrent misses of one key share one computation. */
  private readonly pending = new Map<string, Promise<string>>();
  /** Bumped by every invalidation: a computation that started before one is neither stored nor shared. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  /** The serialized JSON for `key`, computed by `compute` when missing or expired. Errors are not cached. */
  async json(key: string, compute: () => Promise<unknown>): Promise<string> {
    if (this.ttlMs <= 0) return JSON.stringify(await compute());
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expires > Date.now()) return hit.body;
    const inflight = this.pending.get(key);
    if (inflight !== undefined) return inflight;
    const generation = this.generation;
    const run = compute()
      .then((value) => {
        const body = JSON.stringify(value);
        if (generation !== this.generation) return body;
        if (this.entries.size >= this.maxEntries) this.evictExpired();
        if (this.entries.size < this.maxEntries) this.entries.set(key, { expires: Date.now() + this.ttlMs, body });
        return body;
      })
      .finally(() => {
        if (this.pending.get(key) === run) this.pending.delete(key);
      });
    this.pending.set(key, run);
    return run;
  }

  /** Drops every entry whose key contains one of `parts` (e.g. a sweep id after a cancel). */
  invalidate(...parts: string[]): void {
    this.generation++;
    const hit = (key: string): boolean => parts.some((part) => key.includes(part));
    for (const key of this.entries.keys()) if (hit(key)) this.entries.delete(key);
    for (const key of this.pending.keys()) if (hit(key)) this.pending.delete(key);
  }

  private evictExpired(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}
