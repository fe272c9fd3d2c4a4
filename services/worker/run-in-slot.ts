/**
 * Runs one job's work in a training slot of the worker's pool. The slot is taken before the job
 * claims anything: a job taken ahead waits here untouched, and when the pool sends it away (the
 * worker stops, or stops fetching ahead) it goes back to the queue unclaimed.
 */
import { DelayedError, type Job } from 'bullmq';
import { SweepqError } from '../../shared/errors/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import type { SlotPool } from './slot-pool.js';
import type { TrainingSlot } from './training-slot.js';

/**
 * `work` gets the slot and a `releaseSlot` it may call early (training over, only bookkeeping left);
 * the slot is released when `work` ends in any case.
 * @throws DelayedError when the job was handed back before it got a slot.
 */
export async function runInSlot<T>(
  slots: SlotPool,
  job: Job<unknown>,
  lockToken: string | undefined,
  log: Logger,
  work: (slot: TrainingSlot, releaseSlot: () => void) => Promise<T>,
): Promise<T> {
  let slot: TrainingSlot;
  try {
    slot = await slots.acquire();
  } catch (error) {
    if (!(error instanceof SweepqError) || error.code !== 'CANCELLED') throw error;
    if (lockToken) await job.moveToDelayed(Date.now(), lockToken);
    log.debug({ reason: error.message }, 'job handed back before its claim');
    throw new DelayedError();
  }
  let held = true;
  const releaseSlot = (): void => {
    if (!held) return;
    held = false;
    slots.release(slot);
  };
  try {
    return await work(slot, releaseSlot);
  } finally {
    releaseSlot();
  }
}
