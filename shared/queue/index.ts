export { TrialQueue, TRIAL_JOB_NAME, bullPrefix, trialJobId, parseTrialJobId } from './trial-queue.js';
export { createRedisConnection } from './redis-connection.js';
export type { RedisConnectionOptions } from './redis-connection.js';
