export { TrialQueue, bullPrefix, trialJobId, parseTrialJobId, QUEUE_JOB_STATES } from './trial-queue.js';
export type { QueueJobState } from './trial-queue.js';
export { createRedisConnection } from './redis-connection.js';
