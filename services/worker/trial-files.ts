/**
 * What a trained trial leaves in the object store before its commit: the fitted pipeline (the artefact
 * `completed` promises) and its diagnostics beside it — one list for a trial on its own job and for a
 * block's group (whose lists go to one ObjectStore.putGroup). Both keys are the attempt's own (the
 * artefact key holds the attempt's token), so they are written in place (PutOptions.fresh); the
 * diagnostics first and without fsync — losing them in a machine crash costs the trial page its
 * curves, never the trial — and the artefact last, durably: its folder's fsync covers both names.
 * On a local store this is about half the file-system calls of two atomic durable puts, which were
 * the largest part of a short trial's bookkeeping (issue 13).
 */
import type { Logger } from '../../shared/logger/logger.js';
import { diagnosticsKey } from '../../shared/schemas/trial-diagnostics.schema.js';
import type { GroupObject, ObjectStore } from '../../shared/store/object-store.js';

/** The files of a trained trial, in the order they are written: its diagnostics (when computed, not made durable), then its artefact. */
export function trialFileObjects(artifactKey: string, result: { pipelineJson: string; diagnosticsJson: string | null }): GroupObject[] {
  const artefact: GroupObject = { key: artifactKey, body: result.pipelineJson, contentType: 'application/json' };
  if (result.diagnosticsJson === null) return [artefact];
  return [{ key: diagnosticsKey(artifactKey), body: result.diagnosticsJson, contentType: 'application/json', durable: false }, artefact];
}

/**
 * Stores one trial's files (a trial on its own job). A file that is not made durable (the diagnostics)
 * may fail to be written without failing the trial: it is logged.
 */
export async function storeTrialFiles(store: ObjectStore, objects: readonly GroupObject[], log: Logger): Promise<void> {
  for (const object of objects) {
    const written = store.put(object.key, object.body, { contentType: object.contentType, fresh: true, durable: object.durable ?? true });
    if (object.durable === false) await written.catch((error: unknown) => log.warn({ err: error, key: object.key }, 'trial diagnostics not stored'));
    else await written;
  }
}
