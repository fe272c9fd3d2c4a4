export { TrialQueue, bullPrefix, trialJobId, parseTrialJobId } from './trial-queue.js';
export { createRedisConnection } from './redis-connection.js';

