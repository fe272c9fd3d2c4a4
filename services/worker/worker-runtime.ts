/**
 * A running sweepq worker: a BullMQ Worker pulling trial jobs, one training slot (a child process) per concurrency
 * slot, a subscription to cancel notifications, and a graceful `close`.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { Worker, type Job } from 'bullmq';
import type { Config } from '../../shared/config/config.js';
import { ensureIndexVersion, MetricsIndex } from '../../shared/index/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { bullPrefix, createRedisConnection, parseTrialJobId, TrialQueue } from '../../shared/queue/index.js';
import type { TrialJob } from '../../shared/schemas/trial.schema.js';
import { createObjectStore } from '../../shared/store/index.js';
import { DatasetCache } from '../../shared/sweep/dataset-cache.js';
import { SweepFeeder } from '../../shared/sweep/sweep-feeder.js';
import { TrainingSlot } from './training-slot.js';
import { TrialProcessor } from './trial.processor.js';

export interface StartWorkerOptions {
  config: Config;
  logger: Logger;
  /** Trials trained at once by this process (default: config.worker.concurrency). */
  concurrency?: number;
  /** Shown in trial records; default `<hostname>-<pid>`. */
  workerId?: string;
}

export interface RunningWorker {
  readonly workerId: string;
  /**
   * Stops taking jobs, lets running trials finish for up to `graceMs` (default from config), then
   * aborts the rest and hands them back to the queue. Resolves when everything is closed.
   */
  close(graceMs?: number): Promise<void>;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config } = options;
  const redisUrl = config.redis.url;
  if (!redisUrl) throw new Error('startWorker needs REDIS_URL (the embedded Redis is started by `sweepq run`)');
  const concurrency = options.concurrency ?? config.worker.concurrency;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const logger = options.logger.child({ component: 'worker', workerId });

  const store = await createObjectStore(config, logger);
  await store.ensureReady();
  // Blocking-style (commands wait for a reconnect): a result computed while Redis restarts is committed
  // once Redis is back instead of being thrown away.
  const indexConnection = createRedisConnection(redisUrl, { blocking: true, name: 'sweepq-worker-index', logger });
  const queueConnection = createRedisConnection(redisUrl, { blocking: true, name: 'sweepq-worker-queue', logger });
  const subscriber = createRedisConnection(redisUrl, { blocking: true, name: 'sweepq-worker-cancel', logger });
  await ensureIndexVersion(indexConnection, config.redis.prefix, (message) => logger.warn(message));
  const index = new MetricsIndex(indexConnection, config.redis.prefix, { heartbeatMs: config.worker.heartbeatMs });
  const feedQueue = new TrialQueue(indexConnection, config.redis.prefix, config.queue);
  const feeder = new SweepFeeder(index, feedQueue, config.queue.feedWindow, logger);
  const defaultLimits = { memoryMb: config.limits.trialMemoryMb, timeoutS: config.limits.trialTimeoutS };
  if (!TrainingSlot.enforcesMemory) logger.warn('prlimit is not available: trial memory limits are not enforced (install util-linux)');
  const slots: TrainingSlot[] = [];
  for (let i = 0; i < concurrency; i++) {
    const slot = new TrainingSlot();
    slot.warmUp(defaultLimits);
    slots.push(slot);
  }
  const processor = new TrialProcessor({
    index,
    store,
    datasets: new DatasetCache(store, path.join(config.stateDir, 'cache', 'datasets')),
    slots,
    defaultLimits,
    workerId,
    logger,
  });

  await subscriber.subscribe(index.keys.cancelChannel());
  subscriber.on('message', (_channel: string, sweepId: string) => {
    processor.abortSweep(sweepId).catch((error: unknown) => logger.error({ err: error, sweepId }, 'abort on cancel failed'));
  });

  const worker = new Worker<TrialJob>(config.queue.name, (job: Job<TrialJob>, token?: string) => processor.process(job, token), {
    connection: queueConnection,
    prefix: bullPrefix(config.redis.prefix),
    concurrency,
    lockDuration: config.queue.lockDurationMs,
    stalledInterval: config.queue.stalledIntervalMs,
    maxStalledCount: config.queue.maxStalledCount,
    autorun: true,
  });
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  // Each finished trial makes room in its sweep's feed window: top the queue up (see SweepFeeder).
  const feedAfter = (job: Job<TrialJob> | undefined): void => {
    const sweepId = (job?.data as Partial<TrialJob> | undefined)?.sweepId;
    if (typeof sweepId !== 'string') return;
    feeder.feed(sweepId).catch((error: unknown) => logger.warn({ err: error, sweepId }, 'feeding the queue failed; the timer retries'));
  };
  let finished = 0;
  let lastError: { message: string; at: number } | null = null;
  worker.on('completed', (job) => {
    finished++;
    feedAfter(job);
  });
  worker.on('failed', (job, error) => {
    finished++;
    lastError = { message: error.message.slice(0, 500), at: Date.now() };
    logger.debug({ jobId: job?.id, err: error.message }, 'job failed');
    const settled = job === undefined ? Promise.resolve() : failAbandonedTrial(job, error);
    settled
      .catch((failure: unknown) => logger.error({ err: failure, jobId: job?.id }, 'could not mark an abandoned trial failed'))
      .finally(() => feedAfter(job));
  });
  /**
   * A job can fail without our processor recording it: BullMQ fails a job that stalled more than
   * SWEEPQ_MAX_STALLED_COUNT times (say, a worker OOM-killed on every attempt) before running it
   * again, and a job can exhaust its attempts before it claimed its trial. Its trial would then stay
   * active or queued forever; mark it failed (a guarded no-op when the processor already did).
   */
  async function failAbandonedTrial(job: Job<TrialJob>, error: Error): Promise<void> {
    const stalledOut = job.stalledCounter > config.queue.maxStalledCount;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!stalledOut && !exhausted) return;
    const ref = job.id === undefined ? null : parseTrialJobId(job.id);
    if (ref === null) return;
    // A trial whose attempts keep killing workers is quarantined: `retry` is the only way back.
    const reason = stalledOut ? `INTERNAL: the job stalled more than ${config.queue.maxStalledCount} times (worker crashes)` : `INTERNAL: ${error.message}`;
    const status = stalledOut ? 'quarantined' : 'failed';
    if ((await index.transitions.forceFinish(ref.sweepId, ref.index, ref.retries, status, reason)) === 'ok') {
      logger.warn({ jobId: job.id, reason, status }, 'trial ended: its job was abandoned by the queue');
    }
  }
  // Safety net: sweeps whose feeding stopped (a feeder died mid-way, Redis was down) move on.
  const feedTimer = setInterval(() => {
    feeder.feedAll().catch((error: unknown) => logger.warn({ err: error }, 'periodic feed failed'));
  }, config.queue.feedIntervalMs);
  feedTimer.unref();

  // The worker registry: who is alive, what it trains, what went wrong last (`sweepq status --json`).
  const startedAt = Date.now();
  const heartbeat = (): Promise<void> =>
    index.workers.beat({
      id: workerId,
      host: hostname(),
      pid: process.pid,
      slots: concurrency,
      current: processor.runningTrialIds(),
      startedAt,
      heartbeatAt: Date.now(),
      lastError: lastError?.message ?? null,
      lastErrorAt: lastError?.at ?? null,
      finished,
    });
  await heartbeat().catch((error: unknown) => logger.warn({ err: error }, 'worker registry heartbeat failed'));
  const heartbeatTimer = setInterval(() => {
    heartbeat().catch((error: unknown) => logger.warn({ err: error }, 'worker registry heartbeat failed'));
  }, config.worker.heartbeatMs);
  heartbeatTimer.unref();
  logger.info({ concurrency, queue: config.queue.name }, 'worker started');

  let closing: Promise<void> | null = null;
  return {
    workerId,
    close(graceMs = config.worker.shutdownGraceMs): Promise<void> {
      closing ??= (async () => {
        logger.info({ graceMs, active: processor.activeCount }, 'worker closing');
        clearInterval(feedTimer);
        clearInterval(heartbeatTimer);
        const closed = worker.close();
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), graceMs);
        });
        if ((await Promise.race([closed.then(() => 'closed' as const), graceOver])) === 'timeout') {
          logger.warn({ active: processor.activeCount }, 'grace period over: handing running trials back');
          await processor.abortAll();
          await closed;
        }
        clearTimeout(timer);
        await Promise.all(slots.map((t) => t.close()));
        await index.workers.remove(workerId).catch(() => undefined);
        await feedQueue.close().catch(() => undefined);
        await subscriber.quit().catch(() => undefined);
        await indexConnection.quit().catch(() => undefined);
        await queueConnection.quit().catch(() => undefined);
        await store.close?.();
        logger.info('worker closed');
      })();
      return closing;
    },
  };
}
