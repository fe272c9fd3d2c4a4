/**
 * Stores what a trained trial leaves in the object store before its commit: the fitted pipeline (the
 * artefact `completed` promises) and its diagnostics beside it. Both keys are the attempt's own (the
 * artefact key holds the attempt's token), so they are written in place (PutOptions.fresh); the
 * diagnostics first and without fsync — losing them in a machine crash costs the trial page its
 * curves, never the trial — and the artefact last, durably: its folder's fsync covers both names.
 * On a local store this is about half the file-system calls of two atomic durable puts, which were
 * the largest part of a short trial's bookkeeping (issue 13).
 */
import type { Logger } from '../../shared/logger/logger.js';
import { diagnosticsKey } from '../../shared/schemas/trial-diagnostics.schema.js';
import type { ObjectStore } from '../../shared/store/object-store.js';

export async function storeTrialFiles(
  store: ObjectStore,
  artifactKey: string,
  pipelineJson: string,
  diagnosticsJson: string | null,
  log: Logger,
): Promise<void> {
  if (diagnosticsJson !== null) {
    await store
      .put(diagnosticsKey(artifactKey), diagnosticsJson, { contentType: 'application/json', fresh: true, durable: false })
      .catch((error: unknown) => log.warn({ err: error }, 'trial diagnostics not stored'));
  }
  await store.put(artifactKey, pipelineJson, { contentType: 'application/json', fresh: true });
}
