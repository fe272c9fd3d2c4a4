/**
 * The in-process side of a fault test, set up in `before` and torn down in `after` the same way by
 * every test that runs worker processes against a sweep: a private sweepq configuration
 * (makeTestSetup), the sweep service, the test's own Redis connection with the metrics index on it,
 * optionally a BullMQ handle on the trial queue, and the {@link WorkerFleet}.
 * Not a test file itself (no `.test.` in the name), so the runner does not execute it.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../shared/index/index.js';
import { bullPrefix, createRedisConnection } from '../../shared/queue/index.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { WorkerFleet } from './fault-harness.js';

/** What differs between the fault tests' clusters. */
export interface FaultClusterOptions {
  /** Environment overrides of the test setup (lock timings, the REDIS_URL of a private server…). */
  env?: Record<string, string>;
  /** Store objects in a bucket of its own on the runner's MinIO instead of the local folder. */
  s3?: boolean;
  /** Open {@link FaultCluster.queue} (for tests that inspect BullMQ's job state directly). */
  queue?: boolean;
  /** Extra environment of the worker processes only, e.g. a state folder of their own. */
  workerEnv?: (setup: TestSetup) => Record<string, string>;
}

/** One fault test's service, Redis view and workers; {@link close} in `after` leaves nothing behind. */
export class FaultCluster {
  private constructor(
    readonly setup: TestSetup,
    readonly service: SweepService,
    /** The test's own connection (not the service's), so the test can read Redis while workers run. */
    readonly redis: Redis,
    readonly index: MetricsIndex,
    private readonly trialQueue: Queue | null,
    readonly fleet: WorkerFleet,
  ) {}

  /** @param label names the test's Redis prefix, queue and state folder (see makeTestSetup). */
  static async start(label: string, options: FaultClusterOptions = {}): Promise<FaultCluster> {
    const setup = await makeTestSetup(label, { ...(options.env === undefined ? {} : { env: options.env }), ...(options.s3 === true ? { s3: true } : {}) });
    const service = await createSweepService({ config: setup.config, logger: setup.logger });
    const redis = createRedisConnection(setup.env.REDIS_URL!, { name: 'fault-test' });
    const index = new MetricsIndex(redis, setup.config.redis.prefix);
    const queue = options.queue === true ? new Queue(setup.config.queue.name, { connection: redis, prefix: bullPrefix(setup.config.redis.prefix) }) : null;
    const fleet = new WorkerFleet(options.workerEnv === undefined ? setup.env : { ...setup.env, ...options.workerEnv(setup) });
    return new FaultCluster(setup, service, redis, index, queue, fleet);
  }

  /** BullMQ handle on the sweep's trial queue; only when started with `queue: true`. */
  get queue(): Queue {
    if (this.trialQueue === null) throw new Error('FaultCluster was started without queue: true');
    return this.trialQueue;
  }

  /** Kills the workers first (they hold jobs), then closes the queue handle, the service, the connection and the state folder. */
  async close(): Promise<void> {
    await this.fleet.killAll();
    await this.trialQueue?.close();
    await this.service.close();
    this.redis.disconnect();
    await this.setup.cleanup();
  }
}
