/**
 * Part (d) of the search benchmark: what the feeder pays for one TPE suggestion when a sweep has
 * 10,000 finished trials, Redis reads included (issue 11 (d)).
 *
 * A real redis-server holds a sweep's completion log with 10,000 completed trials and 3 running
 * ones (trial hashes). Each round first finishes one running trial and creates the next (as the
 * workers and the feeder would, outside the timing), then times what the feeder does before it
 * creates a trial: ObservationReader.snapshot (the log's new events since its cursor, the pending
 * trials' definitions) and TpeSampler.ask. With `baseline`, another checkout's reader and sampler
 * (its dist/) take turns with these on the same Redis and the same rounds, first one then the
 * other, alternating, so both see the same machine load.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { Rng } from '../../shared/ml/random/rng.js';
import { MetricsIndex } from '../../shared/index/index.js';
import type { SearchSpaceEntry } from '../../shared/schemas/search-space.schema.js';
import type { Observation, PendingTrial, Sampler } from '../../shared/search/sampler.js';
import type { Segment } from '../../shared/search/search-segment.js';
import { TpeSampler } from '../../shared/search/tpe/index.js';
import { ObservationReader } from '../../shared/sweep/observation-reader.js';
import { startBenchEnvironment } from '../support/bench-environment.js';
import { startWallCpuClock } from '../support/wall-cpu-clock.js';

export interface LatencySamples {
  wall: number[];
  cpu: number[];
}

/** One contender's rounds: snapshot + ask, and the snapshot alone, to tell Redis's share from the sampler's. */
export interface RedisLatencySamples extends LatencySamples {
  snapshot: LatencySamples;
}

export interface RedisAskLatencyOptions {
  /** Redis's AOF as the product runs it (appendonly yes, fsync every second), or off (issue 11 (d): is the tail the fsync?). */
  appendonly: boolean;
}

export interface RedisAskLatency {
  current: RedisLatencySamples;
  baseline: RedisLatencySamples | null;
  /** What the server itself saw during the timed rounds: LATENCY LATEST and the SLOWLOG (threshold 1 ms). */
  server: { latest: string[]; slowlog: string[] };
}

interface Contender {
  reader: Pick<ObservationReader, 'snapshot'>;
  sampler: Sampler;
  samples: RedisLatencySamples;
}

const SWEEP = 'ask-latency';
const METRIC = 'score';
const RUNNING = 3;

/** The (d) space: 5 params of gradient boosting, continuous, log, int and categorical. */
export function latencySpace(): SearchSpaceEntry[] {
  return [
    {
      model: 'gradient_boosting',
      params: {
        learning_rate: { distribution: 'log_uniform', min: 0.001, max: 1 },
        subsample: { distribution: 'uniform', min: 0.5, max: 1 },
        max_depth: { distribution: 'int_uniform', min: 1, max: 10 },
        min_samples_leaf: { distribution: 'int_uniform', min: 1, max: 100 },
        max_features: { values: ['sqrt', 'log2', null] },
      },
    },
  ];
}

/** Trial i's params and score: a smooth objective with noise, the same for every run. */
function trial(rng: Rng): { params: Record<string, string | number | null>; value: number } {
  const params = {
    learning_rate: Math.exp(Math.log(0.001) + rng.next() * Math.log(1000)),
    subsample: 0.5 + rng.next() / 2,
    max_depth: 1 + rng.nextInt(10),
    min_samples_leaf: 1 + rng.nextInt(100),
    max_features: (['sqrt', 'log2', null] as const)[rng.nextInt(3)]!,
  };
  const value = -Math.abs(Math.log10(params.learning_rate) + 1) - Math.abs(params.max_depth - 4) / 5 + rng.next() * 0.1;
  return { params, value };
}

/** The same asks on plain arrays (no Redis): the algorithm alone. */
export function pureAskLatency(n: number, asks: number, multivariate: boolean): LatencySamples {
  const rng = new Rng(2);
  const observations: Observation[] = [];
  for (let i = 0; i < n; i++) {
    const { params, value } = trial(rng);
    observations.push({ entry: 0, params, value, status: 'completed' });
  }
  const pending: PendingTrial[] = observations.slice(0, RUNNING).map((o) => ({ entry: 0, params: o.params }));
  const sampler = new TpeSampler(latencySpace(), { multivariate });
  for (let i = 0; i < 20; i++) sampler.ask({ seed: 1, nextIndex: n + i, count: 1, observations, pending, goal: 'maximize' });
  const samples: LatencySamples = { wall: [], cpu: [] };
  for (let i = 0; i < asks; i++) time(samples, () => sampler.ask({ seed: 1, nextIndex: n + i, count: 1, observations, pending, goal: 'maximize' }));
  return samples;
}

/**
 * snapshot + ask with `n` finished trials on a real Redis, `asks` rounds; with `baseline` (a
 * checkout with a built dist/), its reader and sampler alternate with this one's.
 */
export async function redisAskLatency(n: number, asks: number, baseline: string | null, options: RedisAskLatencyOptions): Promise<RedisAskLatency> {
  const environment = await startBenchEnvironment('search-latency');
  const redis = new Redis(environment.redis.url, { maxRetriesPerRequest: null });
  try {
    if (!options.appendonly) await redis.config('SET', 'appendonly', 'no');
    const index = new MetricsIndex(redis, environment.config.redis.prefix);
    const rng = new Rng(2);
    const logKey = index.keys.log(SWEEP);
    const define = (pipeline: ReturnType<Redis['pipeline']>, i: number, params: Record<string, unknown>): void => {
      pipeline.hset(index.keys.trial(SWEEP, i), { entry: '0', params: JSON.stringify(params), status: 'running' });
    };
    const finish = (pipeline: ReturnType<Redis['pipeline']>, i: number, params: Record<string, unknown>, value: number): void => {
      pipeline.rpush(logKey, JSON.stringify({ i, s: 'completed', t: Date.now(), e: 0, p: params, m: { [METRIC]: value } }));
      pipeline.hset(index.keys.trial(SWEEP, i), 'status', 'completed');
    };
    // Every trial's params and value up front, so the rounds only write.
    const trials = Array.from({ length: n + asks + RUNNING + 40 }, () => trial(rng));
    for (let from = 0; from < n; from += 1000) {
      const pipeline = redis.pipeline();
      for (let i = from; i < Math.min(n, from + 1000); i++) {
        define(pipeline, i, trials[i]!.params);
        finish(pipeline, i, trials[i]!.params, trials[i]!.value);
      }
      await pipeline.exec();
    }
    const running = redis.pipeline();
    for (let i = n; i < n + RUNNING; i++) define(running, i, trials[i]!.params);
    await running.exec();
    const space = latencySpace();
    const segment: Segment = { kind: 'tpe', start: 0, size: 1_000_000, seed: 0, searchSeed: 1, maxTrials: 1_000_000, space };
    const contenders: Contender[] = [
      { reader: new ObservationReader(index), sampler: new TpeSampler(space), samples: { wall: [], cpu: [], snapshot: { wall: [], cpu: [] } } },
    ];
    if (baseline !== null) contenders.push(await baselineContender(baseline, index, space));
    let finished = n;
    const round = async (record: boolean): Promise<void> => {
      // A running trial finishes and the feeder creates the next one (not timed).
      const pipeline = redis.pipeline();
      finish(pipeline, finished, trials[finished]!.params, trials[finished]!.value);
      define(pipeline, finished + RUNNING, trials[finished + RUNNING]!.params);
      await pipeline.exec();
      finished++;
      const created = finished + RUNNING;
      const order = finished % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const clock = startWallCpuClock();
        const seen = await contender.reader.snapshot(SWEEP, segment, METRIC, created);
        const snapshot = clock();
        contender.sampler.ask({ seed: 1, nextIndex: created, count: 1, observations: seen.observations, pending: seen.pending, goal: 'maximize' });
        const total = clock();
        if (record) {
          contender.samples.wall.push(total.wallMs);
          contender.samples.cpu.push(total.cpuMs);
          contender.samples.snapshot.wall.push(snapshot.wallMs);
          contender.samples.snapshot.cpu.push(snapshot.cpuMs);
        }
      }
    };
    for (let i = 0; i < 20; i++) await round(false);
    // The server's own view of the timed rounds: events ≥ 1 ms (fsync waits among them) and slow commands.
    await redis.config('SET', 'latency-monitor-threshold', '1');
    await redis.config('SET', 'slowlog-log-slower-than', '1000');
    await redis.latency('RESET');
    await redis.slowlog('RESET');
    for (let i = 0; i < asks; i++) await round(true);
    const server = { latest: describeReply(await redis.latency('LATEST')), slowlog: describeReply(await redis.slowlog('GET', 20)) };
    return { current: contenders[0]!.samples, baseline: contenders[1]?.samples ?? null, server };
  } finally {
    redis.disconnect();
    await environment.stop();
  }
}

/** Another checkout's ObservationReader and TpeSampler, from its built dist/. */
async function baselineContender(root: string, index: MetricsIndex, space: SearchSpaceEntry[]): Promise<Contender> {
  const load = (file: string): Promise<Record<string, unknown>> =>
    import(pathToFileURL(path.join(root, 'dist', file)).href) as Promise<Record<string, unknown>>;
  const readerModule = await load('shared/sweep/observation-reader.js');
  const tpeModule = await load('shared/search/tpe/index.js');
  const Reader = readerModule.ObservationReader as new (index: MetricsIndex) => Pick<ObservationReader, 'snapshot'>;
  const Tpe = tpeModule.TpeSampler as new (space: SearchSpaceEntry[]) => Sampler;
  return { reader: new Reader(index), sampler: new Tpe(space), samples: { wall: [], cpu: [], snapshot: { wall: [], cpu: [] } } };
}

/** A LATENCY LATEST / SLOWLOG GET reply, one line per item. */
function describeReply(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map((item) => JSON.stringify(item)) : [];
}

function time(samples: LatencySamples, work: () => void): void {
  const clock = startWallCpuClock();
  work();
  const { wallMs, cpuMs } = clock();
  samples.wall.push(wallMs);
  samples.cpu.push(cpuMs);
}
