/** Waiting on a sweep from a benchmark (same polling pattern as test/support/wait-for-sweep.ts). */
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';

/** Polls until the sweep is completed or cancelled, or until `shouldStop()` says so; fails after `timeoutMs`. */
export async function waitForSweep(
  client: Pick<SweepClient, 'status'>,
  sweepId: string,
  options: { timeoutMs: number; intervalMs?: number; shouldStop?: (status: SweepStatus) => boolean },
): Promise<SweepStatus> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const status = await client.status(sweepId);
    if (status.state === 'completed' || status.state === 'cancelled') return status;
    if (options.shouldStop?.(status)) return status;
    if (Date.now() > deadline) throw new Error(`sweep ${sweepId} did not finish within ${options.timeoutMs} ms: ${JSON.stringify(status.counts)}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
