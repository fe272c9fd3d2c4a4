/**
 * Micro-cache for the API's read routes. Dashboards and CLIs poll status and leaderboards; fifty
 * clients polling one sweep should cost one Redis round trip and one JSON serialization per TTL, not
 * fifty — the scheduler shares its machine with CPU-bound workers. A response is at most `ttlMs` stale
 * (250 ms by default); mutations through this API drop the sweep's entries at once.
 *
 * Keys come from the parsed route input, so a client can mint distinct keys at will (every filter
 * string is one): the cache is bounded in bytes (SWEEPQ_API_CACHE_MAX_BYTES) and in entries, and
 * evicts the least recently used entry first. It holds JSON answers only; artefact downloads never
 * pass through it.
 */
export interface ResponseCacheOptions {
  /** How long an entry is served (ms); 0 turns the cache off. */
  ttlMs: number;
  /** Bound of the cached bodies' UTF-8 bytes (keys included); an answer larger than this is not cached. */
  maxBytes: number;
  /** Bound of the number of entries. */
  maxEntries?: number;
}

interface Entry {
  expires: number;
  body: string;
  bytes: number;
}

export class ResponseCache {
  /** Least recently used first (a hit moves its entry to the end). */
  private readonly entries = new Map<string, Entry>();
  /** Concurrent misses of one key share one computation. */
  private readonly pending = new Map<string, Promise<string>>();
  /** Bumped by every invalidation: a computation that started before one is neither stored nor shared. */
  private generation = 0;
  private totalBytes = 0;
  /** When expired entries were last swept out (at most once per TTL: a full scan is O(entries)). */
  private lastSweep = 0;
  private readonly maxEntries: number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** Bytes held now (bodies and keys). */
  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The serialized JSON for `key`, computed by `compute` when missing or expired. Errors are not cached. */
  async json(key: string, compute: () => Promise<unknown>): Promise<string> {
    if (this.options.ttlMs <= 0 || this.options.maxBytes <= 0) return JSON.stringify(await compute());
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      if (hit.expires > Date.now()) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        return hit.body;
      }
      this.remove(key, hit);
    }
    const inflight = this.pending.get(key);
    if (inflight !== undefined) return inflight;
    const generation = this.generation;
    const run = compute()
      .then((value) => {
        const body = JSON.stringify(value);
        if (generation === this.generation) this.store(key, body);
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
    for (const [key, entry] of this.entries) if (hit(key)) this.remove(key, entry);
    for (const key of this.pending.keys()) if (hit(key)) this.pending.delete(key);
  }

  private store(key: string, body: string): void {
    const bytes = Buffer.byteLength(body, 'utf8') + Buffer.byteLength(key, 'utf8');
    if (bytes > this.options.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) this.remove(key, previous);
    const now = Date.now();
    if ((this.totalBytes + bytes > this.options.maxBytes || this.entries.size >= this.maxEntries) && now - this.lastSweep >= this.options.ttlMs) {
      this.lastSweep = now;
      for (const [k, entry] of this.entries) if (entry.expires <= now) this.remove(k, entry);
    }
    for (const [k, entry] of this.entries) {
      if (this.totalBytes + bytes <= this.options.maxBytes && this.entries.size < this.maxEntries) break;
      this.remove(k, entry);
    }
    this.entries.set(key, { expires: now + this.options.ttlMs, body, bytes });
    this.totalBytes += bytes;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}
