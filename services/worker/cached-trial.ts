/**
 * The worker's use of the result cache (issue 11): before training, a trial whose content key has a
 * cached result reuses it — metrics, folds, timings and a copy of the artefact under the trial's own
 * key — and records where it came from; after training, a completed trial's result is cached by the
 * commit itself (one round trip). Trials
 * under a pruner always train (their rung values feed the other trials' decisions), and a sweep with
 * `cache: false` neither reads nor fills the cache.
 */
import { SweepqError } from '../../shared/errors/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { diagnosticsKey } from '../../shared/schemas/trial-diagnostics.schema.js';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import type { ObjectStore } from '../../shared/store/object-store.js';
import { ResultCache, trialCacheKey, type CacheableTrial, type CachedResult } from '../../shared/sweep/result-cache.js';

export interface ReusedResult {
  metrics: Record<string, number | null>;
  folds: Array<number | null>;
  timings: Record<string, number>;
  artifact: string;
  cachedFrom: { sweepId: string; trialId: string };
}

/** Known misses kept at most (a block's worth many times over). */
const KNOWN_MISSES_SIZE = 4096;

export class CachedTrials {
  /** Keys looked up ahead (a block's trials) and found absent: their trials train without another look. */
  private readonly knownMisses = new Set<string>();

  constructor(
    private readonly cache: ResultCache,
    private readonly store: ObjectStore,
    private readonly learnerHash: string,
    private readonly logger: Logger,
  ) {}

  /** The trial's content key, or null when it must train (cache off, or pruned by stages). */
  keyFor(context: SweepContext, trial: CacheableTrial, pruned: boolean): string | null {
    if (context.cache === false || pruned) return null;
    return trialCacheKey(context, trial, this.learnerHash);
  }

  /**
   * Looks the keys up in one round trip ahead of their trials (a block's, issue 13 item 4), so each
   * trial that misses trains without its own lookup. A trial completed elsewhere meanwhile is then
   * trained once more instead of reused: the cache saves work, it never decides a result.
   */
  async lookAhead(keys: readonly string[]): Promise<void> {
    const present = await this.cache.present(keys);
    if (this.knownMisses.size + keys.length > KNOWN_MISSES_SIZE) this.knownMisses.clear();
    for (let i = 0; i < keys.length; i++) if (!present[i]) this.knownMisses.add(keys[i]!);
  }

  /**
   * True (once) when the key was looked up ahead and found absent: its trial trains without another
   * look. A block's trials that are not known misses take the per-trial path through {@link reuse}.
   */
  takeKnownMiss(key: string): boolean {
    return this.knownMisses.delete(key);
  }

  /** The cached result copied for this attempt (artefact at `artifactKey`), or null on a miss. */
  async reuse(key: string, artifactKey: string): Promise<ReusedResult | null> {
    if (this.knownMisses.delete(key)) return null;
    const hit = await this.cache.get(key);
    if (hit === null) return null;
    try {
      // The diagnostics beside the artefact first, the JSON the commit records last, as after training
      // (the MLflow Model folder is made from the JSON on its first read).
      await this.copyIfPresent(diagnosticsKey(hit.artifact), diagnosticsKey(artifactKey));
      await this.store.put(artifactKey, await this.store.get(hit.artifact), { contentType: 'application/json' });
    } catch (error) {
      // The artefact is gone (its sweep was deleted): train again, and the new result replaces the entry.
      this.logger.info({ err: error, key, artifact: hit.artifact }, 'cached result has no artefact any more; training');
      return null;
    }
    return { metrics: hit.metrics, folds: hit.folds, timings: hit.timings, artifact: artifactKey, cachedFrom: { sweepId: hit.sweepId, trialId: hit.trialId } };
  }

  private async copyIfPresent(from: string, to: string): Promise<void> {
    try {
      await this.store.put(to, await this.store.get(from));
    } catch (error) {
      if (!(error instanceof SweepqError) || error.code !== 'NOT_FOUND') throw error;
    }
  }

  /** The cache entry of a completed trial, written by its commit (TrialCommit.cacheEntry). */
  entry(key: string, result: CachedResult): { key: string; value: string } {
    return { key, value: JSON.stringify(result) };
  }
}
