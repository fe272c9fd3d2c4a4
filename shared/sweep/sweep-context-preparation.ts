/**
 * A sweep's context resolved before its sweep service exists (issue 13 item 3, fixed costs, round 6).
 * Resolving a context stores the sweep's local data files, generates `make_classification` data,
 * hashes it and checks it against the sweep — ~0.1–0.2 s of a cold process, all of it on the object
 * store and this process, none of it on Redis. `sweepq run` used to do it inside `submit`, after its
 * embedded Redis had started; it now starts it as soon as the sweep file is read, so it runs while
 * redis-server boots and the service connects, and hands the result to `SweepService.submit`, which
 * takes it only for the spec it was resolved from.
 */
import path from 'node:path';
import type { Config } from '../config/config.js';
import { SweepqError } from '../errors/index.js';
import type { Logger } from '../logger/logger.js';
import type { ResolvedSweepSpec } from '../schemas/sweep-spec.schema.js';
import { createObjectStore, type ObjectStore } from '../store/index.js';
import { DatasetCache } from './dataset-cache.js';
import type { LocalDatasetFile } from './load-sweep-file.js';
import { storeDatasetFile } from './store-dataset-file.js';
import { SweepContextResolver, type ResolvedContext } from './sweep-context-resolver.js';

/** A context being resolved ahead of the submit, with the spec it is for. */
export interface PreparedSweepContext {
  /** The spec it is resolved from: a submit of any other spec resolves its own. */
  readonly spec: ResolvedSweepSpec;
  /** The resolution; rejects with what the submit would have thrown (bad data, a store failure). */
  readonly resolved: Promise<ResolvedContext>;
}

/** The resolver of a sweep service on `store`, with the config's limits and scratch folder. */
export function createSweepContextResolver(config: Pick<Config, 'stateDir' | 'limits'>, store: ObjectStore): SweepContextResolver {
  return new SweepContextResolver(
    store,
    new DatasetCache(store, path.join(config.stateDir, 'cache', 'datasets')),
    config.limits,
    path.join(config.stateDir, 'cache', 'scratch'),
  );
}

/**
 * Starts resolving `spec`'s context on the config's object store: first the sweep file's local data
 * files are stored (what `uploadSweepFiles` did before the submit), then the context is resolved as
 * the service's submit would. Call it only for a spec that passed the sweep file's checks.
 */
export function prepareSweepContext(options: {
  config: Pick<Config, 's3' | 'stateDir' | 'limits'>;
  logger?: Logger;
  spec: ResolvedSweepSpec;
  files: readonly LocalDatasetFile[];
}): PreparedSweepContext {
  const resolved = (async () => {
    const store = await createObjectStore(options.config, options.logger);
    try {
      await store.ensureReady();
      for (const file of options.files) {
        const { sha256 } = await storeDatasetFile(store, file.absolutePath);
        if (sha256 !== file.sha256) {
          throw new SweepqError(
            'INTERNAL',
            `stored ${file.path} but the store computed sha256 ${sha256}, expected ${file.sha256} (was the file changed meanwhile?)`,
          );
        }
      }
      return await createSweepContextResolver(options.config, store).resolve(options.spec);
    } finally {
      await store.close?.();
    }
  })();
  // Awaited by the submit (or by the run's clean-up when it stops first): never an unhandled rejection.
  resolved.catch(() => undefined);
  return { spec: options.spec, resolved };
}
