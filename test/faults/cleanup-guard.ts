/**
 * Cleanup for the fault tests that start their own servers, proxies and namespaced workers:
 * {@link cleanUp} runs every step of an `after` hook even when one fails (a failed cluster close must
 * not leave a redis-server running), and {@link guardOnExit} kills the processes and removes the
 * folders synchronously if the test process ends before its `after` hook ran (exit-cleanup.ts).
 * Not a test file itself (no `.test.` in the name), so the runner does not execute it.
 */
import { killProcessSync, onProcessExit, removeDirSync } from '../support/exit-cleanup.js';
import type { FaultCluster } from './fault-cluster.js';

/** Runs every step in order; throws the first error (with the others as its cause) once all ran. */
export async function cleanUp(...steps: Array<(() => unknown) | undefined>): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    if (step === undefined) continue;
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanup steps failed`);
}

interface ServerHandle {
  pid(): number | undefined;
  readonly dir: string;
}

/**
 * Exit-time cleanup of what `parts()` lists when the process ends: worker processes and state folders
 * of the clusters, server processes and data folders. Returns the function that unregisters it.
 */
export function guardOnExit(
  parts: () => { clusters?: ReadonlyArray<FaultCluster | undefined>; servers?: ReadonlyArray<ServerHandle | undefined> },
): () => void {
  return onProcessExit(() => {
    const { clusters = [], servers = [] } = parts();
    for (const cluster of clusters) {
      if (cluster === undefined) continue;
      for (const worker of cluster.fleet.workers) killProcessSync(worker.pid);
      removeDirSync(cluster.setup.stateDir);
    }
    for (const server of servers) {
      if (server === undefined) continue;
      killProcessSync(server.pid());
      removeDirSync(server.dir);
    }
  });
}
