/**
 * Starts a worker's training processes before the worker itself loads (issue 13, fixed costs): each
 * child loads the learners while the worker loads BullMQ and connects, instead of after it. Light on
 * purpose — this module must not pull in BullMQ or the learners.
 */
import type { Config } from '../../shared/config/config.js';
import { TrainingSlot } from './training-slot.js';

/** `concurrency` training slots (default: WORKER_CONCURRENCY), their processes starting under the default limits. */
export function warmTrainingSlots(config: Config, concurrency = config.worker.concurrency): TrainingSlot[] {
  const limits = { memoryMb: config.limits.trialMemoryMb, timeoutS: config.limits.trialTimeoutS };
  const slots: TrainingSlot[] = [];
  for (let i = 0; i < concurrency; i++) {
    const slot = new TrainingSlot();
    slot.warmUp(limits);
    slots.push(slot);
  }
  return slots;
}
