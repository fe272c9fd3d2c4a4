export {
  TrialQueue,
  bullPrefix,
  trialJobId,
  parseTrialJobId,
  blockJobId,
  parseBlockJobId,
  currentJobId,
  BLOCK_JOB_NAME,
  QUEUE_JOB_STATES,
} from './trial-queue.js';
export type { QueueJobState, BlockLimits } from './trial-queue.js';
export { createRedisConnection } from './redis-connection.js';
