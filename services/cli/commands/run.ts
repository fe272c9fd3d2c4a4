/**
 * `sweepq run FILE`: a whole sweep on one machine with nothing else running. Opens the state folder
 * (its Redis: attached when another sweepq runs there, else started; unless REDIS_URL is set), starts
 * N worker processes and an in-process SweepService, submits
 * the sweep, shows progress, prints the leaderboard and saves the best model. Everything it started is
 * stopped in `finally` — also on Ctrl-C/SIGTERM, which first cancels the sweep so running trials end
 * quickly, then exits 130 (143 for SIGTERM). No process is left behind.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type Config } from '../../../shared/config/config.js';
import { SweepqError } from '../../../shared/errors/index.js';
import type { Logger } from '../../../shared/logger/logger.js';
import { checkpointCodeCache } from '../../../shared/runtime/code-cache-checkpoint.js';
import { terminateChild } from '../../../shared/runtime/embedded-redis.js';
import { processEntryFile } from '../../../shared/runtime/process-entry.js';
import { openStateFolder, type OpenedStateFolder } from '../../../shared/runtime/state-folder.js';
import type { SweepStatus } from '../../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import type { LoadedAnySweepFile } from '../../../shared/sweep/load-sweep-file.js';
import type { SweepClient } from '../../../shared/sweep/sweep-client.js';
import type { PreparedSweepContext } from '../../../shared/sweep/sweep-context-preparation.js';
import { createCliLogger } from '../cli-logger.js';
import { flag, intOption, note, printJson, printLine, stringOption, type Command } from '../command.js';
import { isWorkerClosedNotice, jobEndedSweepId, ORDERS_REQUEST, type ParentOrders } from '../../worker/parent-orders.js';
import { PollWaker } from '../poll-waker.js';
import { adoptEarlyRunWorker, runWorkerEnv, runWorkerLogFile, spawnRunWorker } from '../run-worker-spawn.js';
import { assertMayWrite, assertOutputFolder } from '../write-file-atomic.js';

/** The worker's entry point: bundled when this CLI runs from the bundle. */
const WORKER_MAIN = processEntryFile('worker');
/**
 * The status poll's fallback interval: the workers ring the poll when a job of theirs ends (a worker
 * exiting rings it too), so the end of a sweep is seen at once; the interval only paces the progress
 * line of long trials and catches what nobody rang for.
 */
const POLL_INTERVAL_MS = 250;
/** Extra time after the configured grace before a worker that ignores SIGTERM is killed. */
const KILL_MARGIN_MS = 5000;
/** How long an interrupted run waits for the sweep to be cancelled before shutting down anyway. */
const CANCEL_TIMEOUT_MS = 5000;
/** How often an interrupted run looks whether the cancelled sweep's running trials have ended. */
const SETTLE_POLL_MS = 50;
const PAGE = 1000;
/** How often a run's read model catches up while its sweep runs (see the warm-up in runSweep). */
const WARM_INTERVAL_MS = 250;

/** Exit code of a process ended by `signal` (shell convention 128 + signal number). */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 2);
}

/** Worker child processes of one run. */
class WorkerPool {
  readonly children: ChildProcess[] = [];
  /** Rung when a worker's job ended or a worker exited: the run's status poll looks at once. */
  readonly activity = new PollWaker();
  /** Where the workers' Redis is and whether they run programs; null until Redis is up and the file read. */
  private orders: ParentOrders | null = null;
  /** Workers that asked for their orders before they were known. */
  private readonly waiting: ChildProcess[] = [];
  /** Per worker: settles once it said it closed (its Redis connections are quit) or exited. */
  private readonly closings: Promise<void>[] = [];
  private readonly closed = new Map<ChildProcess, () => void>();
  private stopping: Promise<void> | undefined;
  private readonly killOnExit = (): void => {
    // Last line of defence (uncaught error, process.exit elsewhere): never leave workers behind.
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  constructor(readonly logDir: string) {
    process.on('exit', this.killOnExit);
  }

  /**
   * Starts `count` more workers; their logs go to `<logDir>/worker-<i>.log`. They may start before
   * Redis is up: each boots (its training processes, BullMQ) and then waits for {@link connect}. The
   * first is the one bin/sweepq.js started before this CLI loaded, when there is one.
   */
  start(count: number, config: Config): void {
    const env = runWorkerEnv(process.env, config.stateDir, config.redis.prefix);
    for (let i = 0; i < count; i++) {
      const early = this.children.length === 0 ? adoptEarlyRunWorker(config.stateDir) : undefined;
      const child = early?.child ?? spawnRunWorker(WORKER_MAIN, env, runWorkerLogFile(config.stateDir, this.children.length + 1));
      this.children.push(child);
      this.closings.push(new Promise<void>((resolve) => this.closed.set(child, resolve)));
      child.once('exit', () => {
        this.closed.get(child)?.();
        this.activity.ring();
      });
      child.on('message', (message: unknown) => this.receive(child, message));
      // What the early worker said before this pool listened (its request for orders, most likely).
      for (const message of early?.messages ?? []) this.receive(child, message);
    }
  }

  private receive(child: ChildProcess, message: unknown): void {
    if (jobEndedSweepId(message) !== undefined) {
      this.activity.ring();
      return;
    }
    if (isWorkerClosedNotice(message)) {
      this.closed.get(child)?.();
      return;
    }
    if ((message as Partial<typeof ORDERS_REQUEST> | null)?.awaitingOrders !== true) return;
    if (this.orders === null) this.waiting.push(child);
    else this.send(child, this.orders);
  }

  /** Tells every worker, started or to come, where Redis is and whether the sweep runs programs. */
  connect(orders: ParentOrders): void {
    this.orders = orders;
    for (const child of this.waiting.splice(0)) this.send(child, orders);
  }

  private send(child: ChildProcess, orders: ParentOrders): void {
    // A worker that died meanwhile shows up as fewer alive workers (followSweep's check), not here.
    if (child.connected) child.send(orders, () => undefined);
  }

  alive(): number {
    let n = 0;
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) n++;
    return n;
  }

  /**
   * Settles once every worker has closed — said so, or exited — so that none holds a Redis connection
   * any more: the run's Redis may stop while their processes exit. Only after {@link stop}: a worker
   * closes when told to stop (or exits when killed).
   */
  allClosed(): Promise<void> {
    return Promise.all(this.closings).then(() => undefined);
  }

  /**
   * SIGTERM every worker and wait; SIGKILL those still running after `graceMs`. Idempotent: the first
   * call's grace holds (a finished sweep stops its workers early, `finally` then only waits for them).
   */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.children.map((child) => terminateChild(child, 'SIGTERM', graceMs)));
      process.off('exit', this.killOnExit);
    })();
    return this.stopping;
  }
}

/** The order of the final leaderboard: best first by the objective, in its direction. */
function leaderboardOrder(status: SweepStatus): string[] {
  return [`metrics.${status.objective.metric} ${status.objective.goal === 'maximize' ? 'DESC' : 'ASC'}`];
}

/**
 * Every trial of a finished sweep: the completed ones best first by the objective (its direction in
 * the sweep), then the others in the same order — a pruned trial's CV score is that of the rung it
 * stopped at, never ranked with full ones — and those without a value (failed, cancelled) by index.
 */
async function collectTrials(client: SweepClient, status: SweepStatus): Promise<TrialRecord[]> {
  const out: TrialRecord[] = [];
  for (const filter of ["attributes.status = 'completed'", "attributes.status != 'completed'"]) {
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.trials(status.id, { filter, orderBy: leaderboardOrder(status), limit: PAGE, offset });
      out.push(...page.trials);
      if (page.trials.length < PAGE || offset + PAGE >= page.total) break;
    }
  }
  return out;
}

/**
 * Sweeps a previous `sweepq run` on this folder left unfinished when it died (kill -9, a crash): they
 * are cancelled, not silently resumed by this run's workers; `sweepq retry ID` resumes one on purpose.
 */
async function cancelLeftovers(service: SweepClient, deadPid: number): Promise<void> {
  for (let offset = 0; ; offset += PAGE) {
    const sweeps = await service.listSweeps({ limit: PAGE, offset });
    for (const sweep of sweeps) {
      if (sweep.state !== 'queued' && sweep.state !== 'running') continue;
      await service.cancel(sweep.id);
      note(`sweepq: cancelled sweep ${sweep.id} (${sweep.name}), left unfinished by a run that died (pid ${deadPid}); \`sweepq retry ${sweep.id}\` resumes it`);
    }
    if (sweeps.length < PAGE) return;
  }
}

/**
 * Cancels the sweep, then waits (until `deadline`) for its running trials to end: each worker records
 * its aborted trial as cancelled over Redis, so the workers are stopped — and Redis after them — only
 * once nothing of the sweep is still marked active.
 */
async function cancelAndSettle(client: SweepClient, sweepId: string, deadline: number): Promise<void> {
  await client.cancel(sweepId);
  while (Date.now() < deadline && (await client.status(sweepId)).counts.active > 0) {
    await sleep(SETTLE_POLL_MS);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    }),
  ]);
}

/** What a run needs only once it has started (loaded meanwhile, off the start-up path). */
async function importRunModules() {
  const [watch, dataSummary, duration, table, trialTable] = await Promise.all([
    import('./watch.js'),
    import('../format/data-summary.js'),
    import('../format/duration.js'),
    import('../format/table.js'),
    import('../format/trial-table.js'),
  ]);
  return {
    followSweep: watch.followSweep,
    formatDataSummary: dataSummary.formatDataSummary,
    formatDuration: duration.formatDuration,
    formatMetric: table.formatMetric,
    renderTrialTable: trialTable.renderTrialTable,
  };
}

interface RunOptions {
  file: string;
  workers: number;
  json: boolean;
  out: string | undefined;
  /** Serve the dashboard while the sweep runs (`--ui`). */
  ui: boolean;
}

async function runSweep(options: RunOptions, config: Config, logger: Logger): Promise<number> {
  const abort = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  let folder: OpenedStateFolder | undefined;
  let service: SweepClient | undefined;
  let dashboard: { close(): Promise<void> } | undefined;
  const pool = new WorkerPool(path.join(config.stateDir, 'logs'));
  // The first worker starts at once (most sweeps have a trial for it): its start overlaps Redis's
  // and the reading of the file. The rest start when the file says how many trials there are.
  pool.start(1, config);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted !== undefined) {
      // Second Ctrl-C: stop now. The pool's exit hook kills the workers; redis-server is told too.
      note('sweepq: forced exit');
      void folder?.release();
      process.exit(signalExitCode(signal));
    }
    interrupted = signal;
    note(
      `\nsweepq: ${signal === 'SIGINT' ? 'interrupted' : signal === 'SIGHUP' ? 'terminal closed' : 'terminated'}; cancelling the sweep and stopping workers (Ctrl-C again to force)`,
    );
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Closing the terminal (SIGHUP) is an interruption too: clean up instead of leaving orphans.
  process.on('SIGHUP', onSignal);

  let sweepId: string | undefined;
  let workers = options.workers;
  /** The sweep's context, resolved while Redis starts; awaited by the submit (or by `finally`). */
  let prepared: PreparedSweepContext | undefined;
  try {
    // Start-up runs side by side (issue 13, fixed costs): Redis starts, the first worker boots, the
    // service's modules load (BullMQ and the service take ~0.3 s) and the sweep file is read and its
    // data checked; the workers learn Redis's address once it is up and the file is known to be valid.
    // A bad file or bad data stops everything started before anything is submitted.
    // A run owns the folder exclusively (a second run refuses); read commands may attach meanwhile.
    let redisSpawned: () => void = () => undefined;
    const spawned = new Promise<void>((resolve) => (redisSpawned = resolve));
    const opening = config.redis.url === undefined ? openStateFolder(config.stateDir, { logger, role: 'run', onRedisSpawn: () => redisSpawned() }) : undefined;
    const redisReady = opening === undefined ? Promise.resolve(config.redis.url!) : opening.then((opened) => (folder = opened).url);
    redisReady.catch(() => undefined);
    // Given REDIS_URL, attached to a running Redis, or failed to start one: nothing to wait for.
    redisReady.then(redisSpawned, redisSpawned);
    // This module imports only what starting needs; the rest (zod's schemas, BullMQ, the service:
    // most of this process's start-up CPU) loads while redis-server boots. Started earlier, it ran
    // first and held Redis back: one thread runs both, and Redis only needs a few steps of it.
    await spawned;
    const serviceModule = import('../../../shared/sweep/sweep-service.js');
    serviceModule.catch(() => undefined);
    const later = importRunModules();
    later.catch(() => undefined);
    let workersConnected: Promise<void> = Promise.resolve();
    let loaded: LoadedAnySweepFile;
    try {
      const { loadAnySweepFile } = await import('../../../shared/sweep/load-sweep-file.js');
      // A program sweep runs in the sweep file's folder: these workers are on this machine.
      loaded = await loadAnySweepFile(options.file, {
        localWorkdir: true,
        maxTrials: config.limits.maxTrials,
        onPlanned: (trials, kind) => {
          // No more workers than trials: each one beyond is a process start for nothing.
          workers = Math.max(1, Math.min(options.workers, trials));
          if (interrupted === undefined) pool.start(workers - 1, config);
          // `sweepq run` runs the user's own program on the user's own workers (issue 14).
          workersConnected = redisReady.then((url) => pool.connect({ redisUrl: url, programs: kind === 'program' }));
          workersConnected.catch(() => undefined);
        },
      });
    } catch (error) {
      // Settle what was started, so `finally` stops the workers and releases the folder.
      await Promise.allSettled([redisReady, workersConnected]);
      throw error;
    }
    if (loaded.kind === 'builtin' && interrupted === undefined) {
      // The data files' upload, the generated data and the data checks of the submit need the object
      // store, not Redis: they run now, while redis-server boots (issue 13 item 3, round 6).
      const { prepareSweepContext } = await import('../../../shared/sweep/sweep-context-preparation.js');
      prepared = prepareSweepContext({ config, logger, spec: loaded.spec, files: loaded.files });
    }
    const redisUrl = await redisReady;
    await workersConnected;
    if (interrupted !== undefined) return signalExitCode(interrupted);

    const { createSweepService } = await serviceModule;
    const { followSweep, formatDataSummary, formatDuration, formatMetric, renderTrialTable } = await later;
    const sweepService = await createSweepService({ config, logger, redisUrl });
    service = sweepService;
    if (folder?.replaced?.role === 'run') await cancelLeftovers(service, folder.replaced.pid);
    // A built-in sweep's data files were stored by the prepared context.
    if (loaded.kind === 'program' && loaded.bundle !== null) await sweepService.uploadBundle(loaded.bundle);
    const submitted = await sweepService.submit(loaded.spec, prepared === undefined ? {} : { prepared });
    sweepId = submitted.sweepId;
    if (options.ui) {
      const { serveDashboard } = await import('../../scheduler/serve-dashboard.js');
      const served = await serveDashboard({ service: sweepService, config: { ...config, redis: { ...config.redis, url: redisUrl } }, logger });
      dashboard = served;
      note(`dashboard (live while this run lasts; \`sweepq ui\` shows the results afterwards): ${served.loginUrl}`);
    }
    note(`sweep ${submitted.sweepId} (${submitted.name}): ${submitted.total} trials on ${workers} worker${workers === 1 ? '' : 's'}`);
    if (!options.json) {
      // What the data was read as: the first thing to check when a model does worse than expected.
      const started = await service.status(submitted.sweepId);
      if (started.data !== null && started.task !== null && started.task !== 'program') note(`data: ${formatDataSummary(started.task, started.data)}`);
    }

    const client = service;
    // Checking the best artefact loads every learner: loaded while the trials run, not after.
    const bestModule = import('./best.js');
    bestModule.catch(() => undefined);
    let final: SweepStatus;
    // The final leaderboard reads every trial through the service's read model, which catches up on
    // the trials' definitions and their completion log when asked (issue 13 item 4, round 4: for 2,000
    // trivial trials that was ~0.2 s of CPU after the last commit, on the way to the exit). It is kept
    // caught up while the sweep runs, one read of the log's new entries (and a one-row page) at most
    // every WARM_INTERVAL_MS, so the end applies only the last few.
    const warm: { pending: Promise<unknown> | null; at: number } = { pending: null, at: 0 };
    try {
      final = await followSweep(client, submitted.sweepId, {
        intervalMs: POLL_INTERVAL_MS,
        signal: abort.signal,
        waker: pool.activity,
        onPoll: (status) => {
          if (pool.alive() === 0 && status.state !== 'completed' && status.state !== 'cancelled') {
            throw new SweepqError('INTERNAL', `all ${workers} workers exited before the sweep finished; see the logs in ${pool.logDir}`);
          }
          if (status.state === 'running' && warm.pending === null && Date.now() - warm.at >= WARM_INTERVAL_MS) {
            warm.at = Date.now();
            warm.pending = client
              .trials(status.id, { orderBy: leaderboardOrder(status), limit: 1 })
              .catch(() => undefined)
              .finally(() => {
                warm.pending = null;
              });
          }
        },
      });
    } catch (error) {
      // Interrupted or failed, the sweep must not outlive this run: the embedded Redis keeps its data,
      // and the next run's workers would otherwise pick up its leftover trials first.
      await withTimeout(cancelAndSettle(client, submitted.sweepId, Date.now() + CANCEL_TIMEOUT_MS), CANCEL_TIMEOUT_MS).catch(() => undefined);
      if (interrupted === undefined) throw error;
      return signalExitCode(interrupted);
    }

    // Every trial has ended: the workers have nothing left to do, so they stop now, while the results
    // are read and the best model saved (their shutdown is no longer on the way to the exit).
    const workersStopped = pool.stop(config.worker.shutdownGraceMs + KILL_MARGIN_MS);
    workersStopped.catch(() => undefined);
    await warm.pending;
    // The leaderboard's pages and the best model's check and copy side by side: each waits on Redis
    // or the store while the other runs.
    const saving = (async (): Promise<{ best: TrialRecord | null; savedTo: string | undefined }> => {
      if (final.counts.completed === 0) return { best: null, savedTo: undefined };
      const found = await client.best(final.id).catch((error: unknown) => {
        // Completed trials may all lack the objective (NaN scores): no best, but still a result.
        if (error instanceof SweepqError && error.code === 'NOT_FOUND') return null;
        throw error;
      });
      // A program trial's artefact is the list of files it wrote, not a model to predict with.
      if (found === null || loaded.kind !== 'builtin') return { best: found, savedTo: undefined };
      const file = options.out ?? path.join(config.stateDir, `best-${final.id}.json`);
      if (options.out === undefined) mkdirSync(config.stateDir, { recursive: true });
      await (await bestModule).saveArtifact(client, final.id, found.id, file);
      return { best: found, savedTo: file };
    })();
    saving.catch(() => undefined);
    const trials = await collectTrials(client, final);
    const { best, savedTo } = await saving;

    if (options.json) {
      printJson({ sweepId: final.id, status: final, trials, best, ...(savedTo === undefined ? {} : { artifact: savedTo }) });
    } else {
      printLine(renderTrialTable(trials, { metric: final.objective.metric }));
      const c = final.counts;
      printLine(
        `\n${final.state}: ${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled${c.pruned > 0 ? `, ${c.pruned} pruned` : ''}${c.quarantined > 0 ? `, ${c.quarantined} quarantined` : ''} in ${formatDuration(final.elapsedMs)}`,
      );
      if (best !== null) {
        printLine(`best: ${best.name} (${best.model}) ${final.objective.metric}=${formatMetric(best.metrics?.[final.objective.metric])}`);
      }
    }
    if (savedTo !== undefined) note(`best model saved to ${savedTo} (try: sweepq predict ${savedTo} DATA.csv)`);
    if (final.counts.completed === 0) {
      note(`sweepq: no trial completed; worker logs are in ${pool.logDir}`);
      return 1;
    }
    return 0;
  } finally {
    // Reverse order of start: the workers and this process's service (both hold Redis connections,
    // neither needs the other) close side by side, then Redis stops — once every worker has closed,
    // while their processes exit (this process still waits for those exits: no orphans).
    const grace = interrupted === undefined ? config.worker.shutdownGraceMs + KILL_MARGIN_MS : KILL_MARGIN_MS;
    const workersStopped = pool.stop(grace).catch((error: unknown) => logger.warn({ err: error }, 'stopping workers failed'));
    const closed = Promise.all([
      Promise.race([pool.allClosed(), workersStopped]),
      (async () => {
        await dashboard?.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the dashboard failed'));
        await service?.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the sweep service failed'));
      })(),
    ]);
    // A first run on this install writes the CLI's code cache now, while its workers stop in their own
    // processes, rather than at exit after them (a no-op when the cache was used).
    checkpointCodeCache();
    await closed;
    // A preparation still running (an interrupted or failed start) ends before Redis and the folder go:
    // its generated scratch file is removed by its own clean-up, never left behind by this exit.
    await prepared?.resolved.catch(() => undefined);
    await Promise.all([folder?.release().catch((error: unknown) => logger.warn({ err: error }, 'stopping redis failed')), workersStopped]);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    if (interrupted !== undefined && sweepId !== undefined) note(`sweep ${sweepId} cancelled`);
  }
}

export const runCommand: Command = {
  async run({ positionals, values }) {
    const workers = intOption(values, 'workers', 1, 256) ?? os.availableParallelism();
    const out = stringOption(values, 'out');
    if (out !== undefined) {
      assertOutputFolder(out);
      assertMayWrite(out, flag(values, 'force'), 'model file');
    }
    const config = loadConfig();
    return runSweep({ file: positionals[0]!, workers, json: flag(values, 'json'), out, ui: flag(values, 'ui') }, config, createCliLogger(config));
  },
};
