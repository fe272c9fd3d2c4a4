/**
 * A running sweepq worker: a BullMQ Worker pulling trial jobs, one training slot (a child process) per concurrency
 * slot, a subscription to cancel notifications, and a graceful `close`.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { Worker } from '../../shared/queue/queue-library.js';
import type { Config } from '../../shared/config/config.js';
import { ensureIndexVersion, MetricsIndex } from '../../shared/index/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { bullPrefix, createRedisConnection, parseBlockJobId, parseTrialJobId, TrialQueue } from '../../shared/queue/index.js';
import type { TrialJob } from '../../shared/schemas/trial.schema.js';
import { createObjectStore, type ObjectStore } from '../../shared/store/index.js';
import { DatasetCache } from '../../shared/sweep/dataset-cache.js';
import { Reconciler } from '../../shared/sweep/reconciler.js';
import { SweepFeeder } from '../../shared/sweep/sweep-feeder.js';
import { FetchAhead } from './fetch-ahead.js';
import { parseFoldJobId } from '../../shared/folds/fold-job.schema.js';
import { SlotPool } from './slot-pool.js';
import { TrainingSlot } from './training-slot.js';
import { warmTrainingSlots } from './warm-training-slots.js';
import { TrialProcessor } from './trial.processor.js';
import { isolateBlockTrials } from './trial-block.js';
import type { ProgramPolicy, ProgramRunner } from './program/program-runner.js';

/** First and longest wait before a worker paused by a local disk fault checks its disk again. */
const LOCAL_FAULT_BACKOFF_MS = 2000;
const LOCAL_FAULT_BACKOFF_MAX_MS = 120_000;
/** Finished trials of one sweep within this long of each other share one feed of its queue. */
const FEED_COALESCE_MS = 20;
/** Time past the grace period after which a stopping worker gives up on an orderly close. */
const SHUTDOWN_MARGIN_MS = 5000;

export interface StartWorkerOptions {
  config: Config;
  logger: Logger;
  /** Trials trained at once by this process (default: config.worker.concurrency). */
  concurrency?: number;
  /** Shown in trial records; default `<hostname>-<pid>`. */
  workerId?: string;
  /** Training slots started ahead (warm-training-slots.ts), one per concurrency slot; default: started here. */
  slots?: TrainingSlot[];
  /** Learner code hash of result-cache keys (default: computed from the compiled modules; tests vary it). */
  learnerCodeHash?: string;
  /** Program trials this worker may run (issue 14); absent: none. */
  programs?: ProgramPolicy;
  /**
   * Called with the sweep id after each job of this worker ended and was recorded (completed or
   * failed): `sweepq run` reads its sweep's status then instead of at its next poll.
   */
  onJobEnded?: (sweepId: string) => void;
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
  const concurrency = options.slots?.length ?? options.concurrency ?? config.worker.concurrency;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const logger = options.logger.child({ component: 'worker', workerId });
  // Training processes first: their start (node, the learners' modules) overlaps everything below.
  const slots = options.slots ?? warmTrainingSlots(config, concurrency);
  const defaultLimits = { memoryMb: config.limits.trialMemoryMb, timeoutS: config.limits.trialTimeoutS };
  const slotPool = new SlotPool(slots);

  const store = await createObjectStore(config, logger);
  await store.ensureReady();
  // Blocking-style (commands wait for a reconnect): a result computed while Redis restarts is committed
  // once Redis is back instead of being thrown away.
  const indexConnection = createRedisConnection(redisUrl, { blocking: true, name: 'sweepq-worker-index', logger });
  const queueConnection = createRedisConnection(redisUrl, { blocking: true, name: 'sweepq-worker-queue', logger });
  const subscriber = createRedisConnection(redisUrl, { blocking: true, name: 'sweepq-worker-cancel', logger });
  // Checked before the first job is taken (below, with the other start-up steps that do not depend
  // on one another: each is a round trip or a folder scan on the way to the first trial).
  const indexChecked = ensureIndexVersion(indexConnection, config.redis.prefix, (message) => logger.warn(message));
  indexChecked.catch(() => undefined);
  const index = new MetricsIndex(indexConnection, config.redis.prefix, { heartbeatMs: config.worker.heartbeatMs });
  const feedQueue = new TrialQueue(indexConnection, config.redis.prefix, config.queue);
  const feeder = new SweepFeeder(index, feedQueue, config.queue.feedWindow, logger);
  if (!TrainingSlot.enforcesMemory) logger.warn('prlimit is not available: trial memory limits are not enforced (install util-linux)');
  const datasets = new DatasetCache(store, path.join(config.stateDir, 'cache', 'datasets'));
  const tempsRemoved = datasets.removeTempFiles().then((removed) => {
    if (removed > 0) logger.info({ removed }, 'removed temp files of interrupted downloads');
  });
  tempsRemoved.catch(() => undefined);
  // Local disk faults pause the worker (see onLocalFault below); set once the BullMQ worker exists.
  let pauseForLocalFault: (error: Error) => void = () => undefined;
  // Set once the BullMQ worker exists; the processor only calls it after a job arrived.
  let setJobConcurrency: (jobs: number) => void = () => undefined;
  const fetchAhead = new FetchAhead({
    slots: concurrency,
    depth: config.worker.fetchAhead,
    setConcurrency: (jobs) => setJobConcurrency(jobs),
    handBackWaiting: () => slotPool.handBackWaiting(),
  });
  const processor = new TrialProcessor({
    index,
    store,
    datasets,
    slots: slotPool,
    fetchAhead,
    defaultLimits,
    workerId,
    logger,
    ...(options.learnerCodeHash === undefined ? {} : { learnerCodeHash: options.learnerCodeHash }),
    onLocalFault: (error) => pauseForLocalFault(error),
    queue: feedQueue,
    // The one place a worker hands (an allowlisted part of) its environment to user code.
    programs: options.programs === undefined ? null : await programRunner(options.programs, store, config.stateDir),
  });

  // Cancels arrive as `<sweepId>:<epoch>`; the epoch spares attempts claimed after the cancel (a retry).
  await Promise.all([indexChecked, tempsRemoved, subscriber.subscribe(index.keys.cancelChannel())]);
  subscriber.on('message', (_channel: string, message: string) => {
    const separator = message.lastIndexOf(':');
    const sweepId = separator < 0 ? message : message.slice(0, separator);
    const epoch = separator < 0 ? undefined : Number(message.slice(separator + 1));
    processor.abortSweep(sweepId, epoch).catch((error: unknown) => logger.error({ err: error, sweepId }, 'abort on cancel failed'));
  });
  // A message can be lost (a subscriber reconnecting): the flag itself is polled while trials train.
  const cancelTimer = setInterval(() => {
    if (processor.activeCount === 0) return;
    processor.pollCancels().catch((error: unknown) => logger.warn({ err: error }, 'polling cancel flags failed'));
  }, config.queue.cancelPollMs);
  cancelTimer.unref();

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
  setJobConcurrency = (jobs) => {
    worker.concurrency = jobs;
  };
  // Each finished trial makes room in its sweep's feed window: top the queue up (see SweepFeeder).
  // Trials finishing within FEED_COALESCE_MS of each other share one feed: a feed costs a few round
  // trips, which with short trials was a third of a worker's time per trial (issue 13).
  const pendingFeeds = new Map<string, NodeJS.Timeout>();
  const feedAfter = (job: Job<TrialJob> | undefined): void => {
    const sweepId = (job?.data as Partial<TrialJob> | undefined)?.sweepId;
    if (typeof sweepId !== 'string') return;
    options.onJobEnded?.(sweepId);
    if (pendingFeeds.has(sweepId)) return;
    const timer = setTimeout(() => {
      pendingFeeds.delete(sweepId);
      feeder.feed(sweepId).catch((error: unknown) => logger.warn({ err: error, sweepId }, 'feeding the queue failed; the timer retries'));
    }, FEED_COALESCE_MS);
    timer.unref();
    pendingFeeds.set(sweepId, timer);
  };
  let finished = 0;
  let lastError: { message: string; at: number } | null = null;
  let health: 'ok' | 'paused' = 'ok';
  let faultBackoffMs = LOCAL_FAULT_BACKOFF_MS;
  let resumeTimer: NodeJS.Timeout | undefined;
  /**
   * A worker whose disk fails stops taking jobs (a black hole would otherwise fail them all in
   * milliseconds), says so in the registry, and tries again with an exponential backoff once its
   * disk passes a write-read check.
   */
  pauseForLocalFault = (error: Error): void => {
    lastError = { message: error.message.slice(0, 500), at: Date.now() };
    if (health === 'paused') return;
    health = 'paused';
    void worker.pause(true).catch(() => undefined);
    void heartbeat().catch(() => undefined);
    const tryResume = (): void => {
      void datasets.selfCheck().then((ok) => {
        if (ok) {
          health = 'ok';
          faultBackoffMs = LOCAL_FAULT_BACKOFF_MS;
          worker.resume();
          logger.warn('local disk works again: taking jobs');
          void heartbeat().catch(() => undefined);
          return;
        }
        faultBackoffMs = Math.min(LOCAL_FAULT_BACKOFF_MAX_MS, faultBackoffMs * 2);
        resumeTimer = setTimeout(tryResume, faultBackoffMs);
        resumeTimer.unref();
      });
    };
    logger.error({ err: error.message, retryInMs: faultBackoffMs }, 'local disk fault: pausing this worker');
    resumeTimer = setTimeout(tryResume, faultBackoffMs);
    resumeTimer.unref();
  };
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
    const block = job.id === undefined ? null : parseBlockJobId(job.id);
    if (block !== null) {
      // A block the queue gave up on: its unfinished trials are not to blame together; each moves to a
      // job of its own, where its own stall budget and attempts apply (services/worker/trial-block.ts).
      const indices = (job.data as unknown as { indices?: unknown }).indices;
      if (!Array.isArray(indices)) return;
      const alive = new Set((await index.workers.list()).flatMap((w) => w.current));
      const moved = await isolateBlockTrials(index, feedQueue, block.sweepId, indices as number[], 'unfinished', alive);
      if (moved.length > 0) logger.warn({ jobId: job.id, moved }, 'block abandoned by the queue: its unfinished trials moved to jobs of their own');
      return;
    }
    const ref = job.id === undefined ? null : (parseTrialJobId(job.id) ?? parseFoldJobId(job.id));
    if (ref === null) return;
    // A stall is a crash only if the attempt is gone: a worker that merely lost its lock while Redis
    // restarted is still training and will commit (or fail) the trial itself.
    if (stalledOut) {
      const trialId = `${ref.sweepId}-t${ref.index}`;
      if ((await index.workers.list()).some((w) => w.current.includes(trialId))) {
        logger.warn({ jobId: job.id }, 'job stalled out but its trial is still training on a live worker; leaving it to that worker');
        return;
      }
    }
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
  // Every worker runs the reconciler; the one holding the Redis lock acts (see shared/sweep/reconciler.ts).
  const reconciler = new Reconciler(index, feedQueue, feeder, { intervalMs: config.queue.reconcileIntervalMs, logger });
  reconciler.start();

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
      health,
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
        for (const timer of pendingFeeds.values()) clearTimeout(timer);
        clearInterval(heartbeatTimer);
        clearInterval(cancelTimer);
        clearTimeout(resumeTimer);
        const orderly = closeOrderly(graceMs);
        // Connections wait out Redis outages; a worker told to stop must stop anyway.
        let deadlineTimer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'deadline'>((resolve) => {
          deadlineTimer = setTimeout(() => resolve('deadline'), graceMs + SHUTDOWN_MARGIN_MS);
        });
        const outcome = await Promise.race([orderly.then(() => 'closed' as const), deadline]);
        clearTimeout(deadlineTimer);
        if (outcome === 'deadline') {
          logger.warn('shutdown did not finish in time (Redis or the store unreachable?): stopping hard');
          await Promise.all(slots.map((t) => t.close()));
          for (const connection of [indexConnection, queueConnection, subscriber]) connection.disconnect();
          void worker.close(true).catch(() => undefined);
        }
        logger.info('worker closed');
      })();
      return closing;
    },
  };

  /** Stop taking jobs, let running trials finish within the grace, hand the rest back, close everything. */
  async function closeOrderly(graceMs: number): Promise<void> {
    // Jobs taken ahead go back to the queue unclaimed at once; only trials already training get the grace.
    slotPool.close();
    // Independent steps run side by side (issue 13, fixed costs: each is a round trip or a process
    // exit, and a run's end waits for its workers to be gone).
    const reconcilerStopped = reconciler.stop();
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
    await Promise.all([reconcilerStopped, ...slots.map((t) => t.close())]);
    await Promise.all([
      // One connection, in order: the registry entry goes, then the queue's scripts, then the connection.
      (async () => {
        await index.workers.remove(workerId).catch(() => undefined);
        await feedQueue.close().catch(() => undefined);
        await indexConnection.quit().catch(() => undefined);
      })(),
      subscriber.quit().catch(() => undefined),
      queueConnection.quit().catch(() => undefined),
      store.close?.(),
    ]);
  }
}

/**
 * The runner of program trials, for workers that run them (`--programs`): loaded only then, since
 * most workers never run one and its modules are start-up time (issue 13, fixed costs).
 */
async function programRunner(policy: ProgramPolicy, store: ObjectStore, stateDir: string): Promise<ProgramRunner> {
  const [{ ProgramRunner }, { BundleCache }] = await Promise.all([import('./program/program-runner.js'), import('../../shared/program/program-bundle.js')]);
  return new ProgramRunner(
    policy,
    store,
    path.join(stateDir, 'cache', 'program-runs'),
    process.env,
    new BundleCache(store, path.join(stateDir, 'cache', 'bundles')),
  );
}
