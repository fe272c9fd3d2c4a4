/**
 * The one place sweepq reads `process.env`. The environment is parsed once, with zod, into a nested
 * readonly {@link Config}; every default (queue attempts, backoff, retention, limits, prefixes) lives
 * here and nowhere else. A bad environment fails start-up with one error that lists every bad variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { SweepqError } from '../errors/index.js';
import { DEFAULT_STATE_DIR } from './default-state-dir.js';
import { DEFAULT_TRIAL_MEMORY_MB } from './default-trial-memory.js';

/** pino log levels accepted by LOG_LEVEL. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Redis connection. `url` undefined means embedded mode: the process starts its own redis-server. */
export interface RedisConfig {
  /** REDIS_URL (`redis://` or `rediss://`). Unset → embedded redis-server under `<stateDir>/redis`. */
  readonly url: string | undefined;
  /** SWEEPQ_PREFIX, default `sweepq`: prefix of every Redis key (`[a-z0-9_-]+`). */
  readonly prefix: string;
}

/** S3-compatible object store (MinIO). Present only when S3_ENDPOINT is set. */
export interface S3Config {
  /** S3_ENDPOINT, e.g. `http://127.0.0.1:9000` (scheme, host, optional port; no path). */
  readonly endpoint: string;
  /** S3_ACCESS_KEY (required with S3_ENDPOINT). Secret: redacted in logs. */
  readonly accessKey: string;
  /** S3_SECRET_KEY (required with S3_ENDPOINT). Secret: never logged or echoed. */
  readonly secretKey: string;
  /** S3_BUCKET, default `sweepq`; created on start if missing. */
  readonly bucket: string;
  /** S3_REGION, default `us-east-1`. */
  readonly region: string;
  /** SWEEPQ_STORE_DEADLINE_MS, default 60000: total time one store call may spend retrying transient errors. */
  readonly retryDeadlineMs: number;
}

/** BullMQ queue tuning. */
export interface QueueConfig {
  /** SWEEPQ_QUEUE_NAME, default `trials`. */
  readonly name: string;
  /** SWEEPQ_JOB_ATTEMPTS, default 3: attempts per trial job for transient failures. */
  readonly attempts: number;
  /** SWEEPQ_BACKOFF_MS, default 1000: base delay of the exponential retry backoff. */
  readonly backoffMs: number;
  /** SWEEPQ_LOCK_DURATION_MS, default 15000: BullMQ job lock; renewed while a trial trains. */
  readonly lockDurationMs: number;
  /** SWEEPQ_STALLED_INTERVAL_MS, default 5000: how often BullMQ looks for jobs whose lock expired. */
  readonly stalledIntervalMs: number;
  /**
   * SWEEPQ_MAX_STALLED_COUNT, default 1: stalls (its worker died) a job survives; one more and its trial
   * is quarantined — a trial that kills two workers is not handed to a third.
   */
  readonly maxStalledCount: number;
  /** SWEEPQ_KEEP_COMPLETED_JOBS, default 1000: completed BullMQ jobs kept (metrics live in the index). */
  readonly keepCompletedJobs: number;
  /** SWEEPQ_KEEP_FAILED_JOBS, default 5000: failed BullMQ jobs kept for inspection. */
  readonly keepFailedJobs: number;
  /**
   * SWEEPQ_FEED_WINDOW, default 2000: most jobs of one sweep waiting in BullMQ at a time. Trials are
   * fed to the queue as earlier ones finish, so a 100,000-trial sweep submits in seconds and keeps
   * Redis memory bounded.
   */
  readonly feedWindow: number;
  /** SWEEPQ_FEED_INTERVAL_MS, default 2000: how often each worker tops up the queues of running sweeps. */
  readonly feedIntervalMs: number;
  /** SWEEPQ_RECONCILE_INTERVAL_MS, default 15000: how often the elected reconciler checks queue against index. */
  readonly reconcileIntervalMs: number;
  /**
   * SWEEPQ_BLOCK_MAX_TRIALS, default 128: most short trials one BullMQ job carries (trial blocks, issue
   * 13 item 4: per-job bookkeeping dominated short trials); 1 turns blocks off. Blocks are smaller
   * unless a feed step's trials are cheap (see trial-block-planner.ts).
   */
  readonly blockMaxTrials: number;
  /**
   * SWEEPQ_BLOCK_MAX_COST, default 5,000,000: estimated cost (rows × features × model cost × (CV folds
   * + 1)) under which a trial may go in a block, and the most a block's trials may add up to.
   */
  readonly blockMaxCost: number;
  /**
   * SWEEPQ_RETENTION_DAYS, default 0 (keep forever): sweeps finished or cancelled longer ago than this
   * are deleted (jobs, artefacts, index keys) by the scheduler's retention pass. Fractions allowed.
   */
  readonly retentionDays: number;
  /** SWEEPQ_RETENTION_INTERVAL_MS, default 600000: how often the elected scheduler runs the retention pass. */
  readonly retentionIntervalMs: number;
  /** SWEEPQ_CANCEL_POLL_MS, default 1000: how often a worker re-reads the cancelled flag of sweeps it trains (a lost cancel message still stops them). */
  readonly cancelPollMs: number;
}

/** Request budgets of the HTTP API, per client (a token's role, else the IP) and per window. */
export interface RateLimitConfig {
  /** SWEEPQ_RATE_LIMIT_WINDOW_MS, default 60000: length of one counting window. */
  readonly windowMs: number;
  /** SWEEPQ_RATE_LIMIT_READS, default 6000: GET requests per client per window (0 = unlimited). */
  readonly reads: number;
  /** SWEEPQ_RATE_LIMIT_WRITES, default 300: POST requests per client per window (0 = unlimited). */
  readonly writes: number;
}

/** HTTP API (scheduler side) and how clients reach it. */
export interface ApiConfig {
  /** PORT, default 8080 (0 = any free port). */
  readonly port: number;
  /** HOST, default `127.0.0.1`: loopback unless deliberately exposed. */
  readonly host: string;
  /** SWEEPQ_API_URL: where the CLI finds a running scheduler; unset → the CLI works in-process. */
  readonly url: string | undefined;
  /**
   * SWEEPQ_API_TOKEN (≥ 16 chars): the write token (submit, extend, cancel, retry, uploads; grants
   * reads too). Unset → the scheduler generates one into `<stateDir>/api-token`. Secret.
   */
  readonly token: string | undefined;
  /** SWEEPQ_API_READ_TOKEN (≥ 16 chars): a token that grants reads only (dashboards, viewers). Secret. */
  readonly readToken: string | undefined;
  /**
   * SWEEPQ_API_PROGRAM_TOKEN (≥ 16 chars): the permission to run user programs on workers (grants
   * writes and reads too). Unset (the default) → nobody holds it. Secret.
   */
  readonly programToken: string | undefined;
  /**
   * SWEEPQ_METRICS_TOKEN (≥ 16 chars): a token that grants `/metrics` and `/metrics/queue` only, for
   * Prometheus and KEDA (counts, no trial data). Read tokens and above are accepted there too. Secret.
   */
  readonly metricsToken: string | undefined;
  /**
   * SWEEPQ_REQUIRE_AUTH_FOR_READS, default false: reads need a token even from loopback. (Reads
   * always need one when the server is bound to a non-loopback address.)
   */
  readonly requireAuthForReads: boolean;
  /**
   * SWEEPQ_ALLOWED_HOSTS: comma-separated `host` or `host:port` names the Host header may carry
   * (DNS-rebinding guard); `*` allows any. Default: localhost, 127.0.0.1, [::1] and HOST.
   */
  readonly allowedHosts: readonly string[];
  /** SWEEPQ_SESSION_TTL_MS, default 43200000 (12 h): lifetime of a browser session cookie. */
  readonly sessionTtlMs: number;
  /** SWEEPQ_LOGIN_TICKET_TTL_MS, default 60000: how long a one-time login link stays valid. */
  readonly loginTicketTtlMs: number;
  readonly rateLimit: RateLimitConfig;
  /** SWEEPQ_API_CACHE_MS, default 250: how stale a polled status/leaderboard response may be (0 = off). */
  readonly readCacheMs: number;
  /** SWEEPQ_API_CACHE_MAX_BYTES, default 64 MiB: bound of the read cache (least recently used out first). */
  readonly readCacheMaxBytes: number;
  /**
   * SWEEPQ_API_REDIS_TIMEOUT_MS, default 5000: a Redis command of the API that gets no answer in this
   * time fails, and the request answers 503 INDEX_UNAVAILABLE instead of hanging.
   */
  readonly redisCommandTimeoutMs: number;
  /**
   * SWEEPQ_PARSE_TIMEOUT_MS, default 10000: most time a sweep body may take to parse and validate (in
   * a worker thread); past it the thread is stopped and the request answers 400 LIMIT_EXCEEDED.
   */
  readonly parseTimeoutMs: number;
}

/** Worker process settings. */
export interface WorkerConfig {
  /** WORKER_CONCURRENCY, default 1: trials trained at once per worker process. */
  readonly concurrency: number;
  /** SWEEPQ_SHUTDOWN_GRACE_MS, default 30000: how long shutdown waits for running trials. */
  readonly shutdownGraceMs: number;
  /** SWEEPQ_HEARTBEAT_MS, default 5000: how often a worker refreshes its entry in the worker registry. */
  readonly heartbeatMs: number;
  /**
   * SWEEPQ_FETCH_AHEAD, default 8: jobs per training slot a worker takes ahead while its trials are
   * short (issue 13), so claims, artefact writes and commits overlap the next trial's training; 0 turns
   * it off. Long trials are never held ahead: an idle worker would wait for them.
   */
  readonly fetchAhead: number;
}

/** Input and network limits. */
export interface LimitsConfig {
  /**
   * SWEEPQ_MAX_TRIALS, default 10,000,000: most trials one sweep may plan. Trials are created lazily, a
   * window ahead of the workers, so a large plan costs nothing until it runs.
   */
  readonly maxTrials: number;
  /** SWEEPQ_BODY_LIMIT_BYTES, default 2 GiB: largest dataset upload (streamed to disk, never held in memory). */
  readonly datasetBodyLimitBytes: number;
  /** SWEEPQ_SWEEP_BODY_LIMIT_BYTES, default 1 MiB: largest sweep submission body. */
  readonly sweepBodyLimitBytes: number;
  /** SWEEPQ_NET_TIMEOUT_MS, default 10000: bound on any single network call. */
  readonly netTimeoutMs: number;
  /**
   * SWEEPQ_TRIAL_MEMORY_MB, default 2048: memory of one trial's training process when its sweep sets
   * no `limits.memory_mb`; trials estimated to need more are refused at submit.
   */
  readonly trialMemoryMb: number;
  /** SWEEPQ_TRIAL_MEMORY_MAX_MB, default 16384: the most a sweep's `limits.memory_mb` may ask for. */
  readonly trialMemoryMaxMb: number;
  /** SWEEPQ_TRIAL_TIMEOUT_S, default 3600: wall-clock limit of one trial when its sweep sets no `limits.timeout_s`. */
  readonly trialTimeoutS: number;
  /**
   * SWEEPQ_FOLD_SPLIT_MIN_COST, default 200,000,000: estimated cost (rows × features × model cost
   * factor, shared/folds/fold-split-plan.ts) past which a trial of a `cv.split_folds: auto` sweep runs
   * as fold jobs; 0 splits every trial with CV.
   */
  readonly foldSplitMinCost: number;
}

/** Model serving: `sweepq serve` and the scheduler's `POST /sweeps/:id/best/predict`. */
export interface ServingConfig {
  /** SWEEPQ_PREDICT_MAX_ROWS, default 100,000: most rows one scoring request may hold (413 past it). */
  readonly maxRows: number;
  /** SWEEPQ_PREDICT_BODY_LIMIT_BYTES, default 64 MiB: largest scoring request body. */
  readonly bodyLimitBytes: number;
  /** SWEEPQ_PREDICT_CACHE_MODELS, default 8: loaded pipelines the scheduler keeps (least recently used out first). */
  readonly cacheModels: number;
  /** SWEEPQ_PREDICT_TIMEOUT_MS, default 30000: most time the scheduler spends on one scoring request (its thread is then replaced). */
  readonly timeoutMs: number;
}

/** The validated configuration of one sweepq process. */
export interface Config {
  readonly redis: RedisConfig;
  /** Undefined when S3_ENDPOINT is unset: objects then live in `<stateDir>/objects`. */
  readonly s3: S3Config | undefined;
  readonly queue: QueueConfig;
  readonly api: ApiConfig;
  readonly worker: WorkerConfig;
  readonly limits: LimitsConfig;
  readonly serving: ServingConfig;
  /** SWEEPQ_STATE_DIR, default `./.sweepq`, resolved to an absolute path: embedded redis data, local objects, caches. */
  readonly stateDir: string;
  /** LOG_LEVEL, default `info`. */
  readonly logLevel: LogLevel;
  /**
   * Pretty logs: `false` when NODE_ENV=production (always JSON), otherwise undefined (= pretty only
   * when stdout is a TTY; see createLogger).
   */
  readonly logPretty: false | undefined;
}

const MIB = 1024 * 1024;

/** Variables whose values must never appear in messages or logs. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'SWEEPQ_API_TOKEN',
  'SWEEPQ_API_READ_TOKEN',
  'SWEEPQ_API_PROGRAM_TOKEN',
  'SWEEPQ_METRICS_TOKEN',
  'REDIS_URL',
]);

function intVar(defaultValue: number, min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^[0-9]+$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`))
    .default(defaultValue);
}

const boolVar = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be one of true, false, 1, 0, yes, no' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .default(defaultValue);

function urlVar(protocols: readonly string[], allowPath: boolean) {
  return z.string().refine(
    (value) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return false;
      }
      if (!protocols.includes(url.protocol)) return false;
      return allowPath || ((url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '');
    },
    { error: `must be a URL with scheme ${protocols.map((p) => p.replace(':', '://')).join(' or ')}${allowPath ? '' : ' and no path'}` },
  );
}

/** S3 bucket naming rules (subset that matters): 3–63 chars, lowercase, digits, '.', '-', no '..', not an IP. */
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 chars of a-z 0-9 . -)')
  .refine((value) => !value.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(value), { error: 'must be a valid S3 bucket name' });

/**
 * A bearer token: 16+ characters of the token68 alphabet (RFC 7235), so it survives an
 * `Authorization: Bearer` header unchanged.
 */
const tokenVar = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(512, 'must be at most 512 characters')
  .regex(/^[A-Za-z0-9._~+/=-]+$/, 'must consist of letters, digits and - . _ ~ + / =');

/** A Host allowlist entry: a DNS name, an IPv4 address or a bracketed IPv6 address, optional :port; or `*`. */
const HOST_ENTRY = /^(\*|(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})?)(:[0-9]{1,5})?)$/;
const hostListVar = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== ''),
  )
  .pipe(z.array(z.string().regex(HOST_ENTRY, 'must be a comma-separated list of host or host:port names, or *')).min(1, 'must name at least one host'));

const identifier = z
  .string()
  .regex(/^[a-z0-9_-]+$/, 'must match [a-z0-9_-]+')
  .max(64, 'must be at most 64 characters');

/** One schema per variable; the object is the single source of truth for names and defaults. */
const envSchema = z.object({
  REDIS_URL: urlVar(['redis:', 'rediss:'], true).optional(),
  SWEEPQ_PREFIX: identifier.default('sweepq'),
  S3_ENDPOINT: urlVar(['http:', 'https:'], false).optional(),
  S3_ACCESS_KEY: z.string().min(3, 'must be at least 3 characters').optional(),
  S3_SECRET_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
  S3_BUCKET: bucketName.default('sweepq'),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+')
    .default('us-east-1'),
  SWEEPQ_STORE_DEADLINE_MS: intVar(60_000, 0, 3_600_000),
  SWEEPQ_STATE_DIR: z.string().min(1).default(DEFAULT_STATE_DIR),
  PORT: intVar(8080, 0, 65_535),
  HOST: z.string().min(1).default('127.0.0.1'),
  SWEEPQ_API_URL: urlVar(['http:', 'https:'], true).optional(),
  SWEEPQ_API_TOKEN: tokenVar.optional(),
  SWEEPQ_API_READ_TOKEN: tokenVar.optional(),
  SWEEPQ_API_PROGRAM_TOKEN: tokenVar.optional(),
  SWEEPQ_METRICS_TOKEN: tokenVar.optional(),
  SWEEPQ_REQUIRE_AUTH_FOR_READS: boolVar(false),
  SWEEPQ_ALLOWED_HOSTS: hostListVar.optional(),
  SWEEPQ_SESSION_TTL_MS: intVar(12 * 3_600_000, 60_000, 30 * 24 * 3_600_000),
  SWEEPQ_LOGIN_TICKET_TTL_MS: intVar(60_000, 1000, 600_000),
  SWEEPQ_RATE_LIMIT_WINDOW_MS: intVar(60_000, 1000, 3_600_000),
  SWEEPQ_RATE_LIMIT_READS: intVar(6000, 0, 100_000_000),
  SWEEPQ_RATE_LIMIT_WRITES: intVar(300, 0, 100_000_000),
  SWEEPQ_API_CACHE_MS: intVar(250, 0, 60_000),
  SWEEPQ_API_CACHE_MAX_BYTES: intVar(64 * MIB, 0, 4096 * MIB),
  SWEEPQ_API_REDIS_TIMEOUT_MS: intVar(5000, 100, 600_000),
  SWEEPQ_PARSE_TIMEOUT_MS: intVar(10_000, 100, 600_000),
  WORKER_CONCURRENCY: intVar(1, 1, 256),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  SWEEPQ_MAX_TRIALS: intVar(10_000_000, 1, 10_000_000),
  SWEEPQ_QUEUE_NAME: identifier.default('trials'),
  SWEEPQ_JOB_ATTEMPTS: intVar(3, 1, 100),
  SWEEPQ_BACKOFF_MS: intVar(1000, 0, 3_600_000),
  SWEEPQ_LOCK_DURATION_MS: intVar(15_000, 1000, 3_600_000),
  SWEEPQ_STALLED_INTERVAL_MS: intVar(5000, 100, 3_600_000),
  SWEEPQ_MAX_STALLED_COUNT: intVar(1, 0, 1000),
  SWEEPQ_SHUTDOWN_GRACE_MS: intVar(30_000, 0, 3_600_000),
  SWEEPQ_HEARTBEAT_MS: intVar(5000, 100, 600_000),
  SWEEPQ_FETCH_AHEAD: intVar(8, 0, 1000),
  SWEEPQ_KEEP_COMPLETED_JOBS: intVar(1000, 0, 10_000_000),
  SWEEPQ_KEEP_FAILED_JOBS: intVar(5000, 0, 10_000_000),
  SWEEPQ_FEED_WINDOW: intVar(2000, 10, 1_000_000),
  SWEEPQ_FEED_INTERVAL_MS: intVar(2000, 100, 3_600_000),
  SWEEPQ_RECONCILE_INTERVAL_MS: intVar(15_000, 100, 3_600_000),
  SWEEPQ_BLOCK_MAX_TRIALS: intVar(128, 1, 1000),
  SWEEPQ_BLOCK_MAX_COST: intVar(5_000_000, 0, Number.MAX_SAFE_INTEGER),
  SWEEPQ_CANCEL_POLL_MS: intVar(1000, 50, 600_000),
  SWEEPQ_RETENTION_DAYS: z
    .string()
    .trim()
    .regex(/^[0-9]+(\.[0-9]+)?$/, 'must be a non-negative number of days, e.g. 30 or 0.5 (0 keeps sweeps forever)')
    .transform(Number)
    .pipe(z.number().max(36_500, 'must be <= 36500'))
    .default(0),
  SWEEPQ_RETENTION_INTERVAL_MS: intVar(600_000, 100, 86_400_000),
  SWEEPQ_BODY_LIMIT_BYTES: intVar(2048 * MIB, 1024, 65_536 * MIB),
  SWEEPQ_SWEEP_BODY_LIMIT_BYTES: intVar(1 * MIB, 1024, 4096 * MIB),
  SWEEPQ_NET_TIMEOUT_MS: intVar(10_000, 100, 600_000),
  SWEEPQ_TRIAL_MEMORY_MB: intVar(DEFAULT_TRIAL_MEMORY_MB, 64, 1_048_576),
  SWEEPQ_TRIAL_MEMORY_MAX_MB: intVar(16_384, 64, 1_048_576),
  SWEEPQ_TRIAL_TIMEOUT_S: intVar(3600, 1, 604_800),
  SWEEPQ_FOLD_SPLIT_MIN_COST: intVar(200_000_000, 0, Number.MAX_SAFE_INTEGER),
  SWEEPQ_PREDICT_MAX_ROWS: intVar(100_000, 1, 10_000_000),
  SWEEPQ_PREDICT_BODY_LIMIT_BYTES: intVar(64 * MIB, 1024, 4096 * MIB),
  SWEEPQ_PREDICT_CACHE_MODELS: intVar(8, 1, 1000),
  SWEEPQ_PREDICT_TIMEOUT_MS: intVar(30_000, 100, 3_600_000),
  NODE_ENV: z.string().optional(),
});

type EnvKey = keyof typeof envSchema.shape;

/** One line per problem: `NAME="value": problem` (value omitted for secrets). */
function describeProblem(name: string, raw: string | undefined, problem: string): string {
  if (raw === undefined || SECRET_VARIABLES.has(name)) return `${name}: ${problem}`;
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  return `${name}=${JSON.stringify(shown)}: ${problem}`;
}

/**
 * Parses and validates the environment into a {@link Config}.
 * Empty strings count as unset (docker compose `${VAR:-}` produces them).
 * @throws SweepqError('INVALID_ARGUMENT') listing every bad variable; `details` holds `{ variable, problem }[]`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape) as EnvKey[]) {
    const value = env[key];
    raw[key] = value === undefined || value === '' ? undefined : value;
  }

  const problems: { variable: string; problem: string }[] = [];
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '?');
      problems.push({ variable, problem: issue.message });
    }
  }
  // Cross-variable rules are checked on the raw values so they are reported together with field errors.
  const tokens = [
    ['SWEEPQ_API_TOKEN', raw.SWEEPQ_API_TOKEN],
    ['SWEEPQ_API_READ_TOKEN', raw.SWEEPQ_API_READ_TOKEN],
    ['SWEEPQ_API_PROGRAM_TOKEN', raw.SWEEPQ_API_PROGRAM_TOKEN],
    ['SWEEPQ_METRICS_TOKEN', raw.SWEEPQ_METRICS_TOKEN],
  ] as const;
  for (let i = 0; i < tokens.length; i++) {
    for (let j = 0; j < i; j++) {
      if (tokens[i]![1] !== undefined && tokens[i]![1] === tokens[j]![1]) {
        problems.push({ variable: tokens[i]![0], problem: `must differ from ${tokens[j]![0]} (each role needs its own token)` });
      }
    }
  }
  if (raw.S3_ENDPOINT !== undefined) {
    if (raw.S3_ACCESS_KEY === undefined) problems.push({ variable: 'S3_ACCESS_KEY', problem: 'is required when S3_ENDPOINT is set' });
    if (raw.S3_SECRET_KEY === undefined) problems.push({ variable: 'S3_SECRET_KEY', problem: 'is required when S3_ENDPOINT is set' });
  }

  if (problems.length > 0 || !parsed.success) {
    const lines = problems.map((p) => describeProblem(p.variable, raw[p.variable], p.problem));
    throw new SweepqError('INVALID_ARGUMENT', `Invalid environment (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`, {
      details: problems,
    });
  }

  const e = parsed.data;
  const s3: S3Config | undefined =
    e.S3_ENDPOINT === undefined
      ? undefined
      : Object.freeze({
          endpoint: e.S3_ENDPOINT,
          accessKey: e.S3_ACCESS_KEY ?? '',
          secretKey: e.S3_SECRET_KEY ?? '',
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          retryDeadlineMs: e.SWEEPQ_STORE_DEADLINE_MS,
        });

  return Object.freeze({
    redis: Object.freeze({ url: e.REDIS_URL, prefix: e.SWEEPQ_PREFIX }),
    s3,
    queue: Object.freeze({
      name: e.SWEEPQ_QUEUE_NAME,
      attempts: e.SWEEPQ_JOB_ATTEMPTS,
      backoffMs: e.SWEEPQ_BACKOFF_MS,
      lockDurationMs: e.SWEEPQ_LOCK_DURATION_MS,
      stalledIntervalMs: e.SWEEPQ_STALLED_INTERVAL_MS,
      maxStalledCount: e.SWEEPQ_MAX_STALLED_COUNT,
      keepCompletedJobs: e.SWEEPQ_KEEP_COMPLETED_JOBS,
      keepFailedJobs: e.SWEEPQ_KEEP_FAILED_JOBS,
      feedWindow: e.SWEEPQ_FEED_WINDOW,
      feedIntervalMs: e.SWEEPQ_FEED_INTERVAL_MS,
      reconcileIntervalMs: e.SWEEPQ_RECONCILE_INTERVAL_MS,
      blockMaxTrials: e.SWEEPQ_BLOCK_MAX_TRIALS,
      blockMaxCost: e.SWEEPQ_BLOCK_MAX_COST,
      cancelPollMs: e.SWEEPQ_CANCEL_POLL_MS,
      retentionDays: e.SWEEPQ_RETENTION_DAYS,
      retentionIntervalMs: e.SWEEPQ_RETENTION_INTERVAL_MS,
    }),
    api: Object.freeze({
      port: e.PORT,
      host: e.HOST,
      url: e.SWEEPQ_API_URL,
      token: e.SWEEPQ_API_TOKEN,
      readToken: e.SWEEPQ_API_READ_TOKEN,
      programToken: e.SWEEPQ_API_PROGRAM_TOKEN,
      metricsToken: e.SWEEPQ_METRICS_TOKEN,
      requireAuthForReads: e.SWEEPQ_REQUIRE_AUTH_FOR_READS,
      allowedHosts: Object.freeze(e.SWEEPQ_ALLOWED_HOSTS ?? defaultAllowedHosts(e.HOST)),
      sessionTtlMs: e.SWEEPQ_SESSION_TTL_MS,
      loginTicketTtlMs: e.SWEEPQ_LOGIN_TICKET_TTL_MS,
      rateLimit: Object.freeze({ windowMs: e.SWEEPQ_RATE_LIMIT_WINDOW_MS, reads: e.SWEEPQ_RATE_LIMIT_READS, writes: e.SWEEPQ_RATE_LIMIT_WRITES }),
      readCacheMs: e.SWEEPQ_API_CACHE_MS,
      readCacheMaxBytes: e.SWEEPQ_API_CACHE_MAX_BYTES,
      redisCommandTimeoutMs: e.SWEEPQ_API_REDIS_TIMEOUT_MS,
      parseTimeoutMs: e.SWEEPQ_PARSE_TIMEOUT_MS,
    }),
    worker: Object.freeze({
      concurrency: e.WORKER_CONCURRENCY,
      shutdownGraceMs: e.SWEEPQ_SHUTDOWN_GRACE_MS,
      heartbeatMs: e.SWEEPQ_HEARTBEAT_MS,
      fetchAhead: e.SWEEPQ_FETCH_AHEAD,
    }),
    limits: Object.freeze({
      maxTrials: e.SWEEPQ_MAX_TRIALS,
      datasetBodyLimitBytes: e.SWEEPQ_BODY_LIMIT_BYTES,
      sweepBodyLimitBytes: e.SWEEPQ_SWEEP_BODY_LIMIT_BYTES,
      netTimeoutMs: e.SWEEPQ_NET_TIMEOUT_MS,
      trialMemoryMb: e.SWEEPQ_TRIAL_MEMORY_MB,
      trialMemoryMaxMb: e.SWEEPQ_TRIAL_MEMORY_MAX_MB,
      trialTimeoutS: e.SWEEPQ_TRIAL_TIMEOUT_S,
      foldSplitMinCost: e.SWEEPQ_FOLD_SPLIT_MIN_COST,
    }),
    serving: Object.freeze({
      maxRows: e.SWEEPQ_PREDICT_MAX_ROWS,
      bodyLimitBytes: e.SWEEPQ_PREDICT_BODY_LIMIT_BYTES,
      cacheModels: e.SWEEPQ_PREDICT_CACHE_MODELS,
      timeoutMs: e.SWEEPQ_PREDICT_TIMEOUT_MS,
    }),
    stateDir: path.resolve(e.SWEEPQ_STATE_DIR),
    logLevel: e.LOG_LEVEL,
    logPretty: e.NODE_ENV === 'production' ? false : undefined,
  });
}

/** The loopback names, plus the address the API binds to (unless it is a wildcard address). */
function defaultAllowedHosts(host: string): string[] {
  const hosts = ['localhost', '127.0.0.1', '[::1]'];
  const bound = host.toLowerCase();
  const name = bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound;
  if (bound !== '0.0.0.0' && bound !== '::' && !hosts.includes(name)) hosts.push(name);
  return hosts;
}

const REDACTED = '***';

/** Hides the password (and user) of a redis URL, keeping host, port and db for diagnostics. */
function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = REDACTED;
    if (url.username !== '' && url.username !== 'default') url.username = REDACTED;
    return url.toString();
  } catch {
    return REDACTED;
  }
}

/** A loggable copy of the config: secrets replaced by `***`, credentials stripped from URLs. */
export function redactConfig(config: Config): Config {
  return {
    ...config,
    redis: { ...config.redis, url: config.redis.url === undefined ? undefined : redactUrl(config.redis.url) },
    s3: config.s3 === undefined ? undefined : { ...config.s3, accessKey: REDACTED, secretKey: REDACTED },
    api: {
      ...config.api,
      token: config.api.token === undefined ? undefined : REDACTED,
      readToken: config.api.readToken === undefined ? undefined : REDACTED,
      programToken: config.api.programToken === undefined ? undefined : REDACTED,
      metricsToken: config.api.metricsToken === undefined ? undefined : REDACTED,
    },
  };
}
