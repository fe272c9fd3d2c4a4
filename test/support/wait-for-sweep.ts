import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';

/** Polls a sweep until it is completed or cancelled; fails after `timeoutMs`. */
export async function waitForSweep(client: Pick<SweepClient, 'status'>, sweepId: string, timeoutMs: number, intervalMs = 100): Promise<SweepStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.status(sweepId);
    if (status.state === 'completed' || status.state === 'cancelled') return status;
    if (Date.now() > deadline) throw new Error(`sweep ${sweepId} did not finish within ${timeoutMs} ms: ${JSON.stringify(status.counts)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
