import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, redactConfig } from '../../shared/config/config.js';
import { SweepqError } from '../../shared/errors/index.js';

function configError(env: NodeJS.ProcessEnv): SweepqError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof SweepqError);
    return error;
  }
  assert.fail('expected loadConfig to throw');
}

const S3_ENV = {
  S3_ENDPOINT: 'http://127.0.0.1:9000',
  S3_ACCESS_KEY: 'minio-access-key',
  S3_SECRET_KEY: 'super-secret-value-123',
};

describe('loadConfig', () => {
  it('applies the documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    assert.equal(config.redis.url, undefined);
    assert.equal(config.redis.prefix, 'sweepq');
    assert.equal(config.s3, undefined);
    assert.equal(config.stateDir, path.resolve('.sweepq'));
    assert.equal(config.logLevel, 'info');
    assert.equal(config.logPretty, undefined);
    assert.deepEqual(config.api, {
      port: 8080,
      host: '127.0.0.1',
      url: undefined,
      token: undefined,
      readToken: undefined,
      programToken: undefined,
      metricsToken: undefined,
      requireAuthForReads: false,
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      sessionTtlMs: 12 * 3_600_000,
      loginTicketTtlMs: 60_000,
      rateLimit: { windowMs: 60_000, reads: 6000, writes: 300 },
      readCacheMs: 250,
      readCacheMaxBytes: 64 * 1024 * 1024,
      redisCommandTimeoutMs: 5000,
      parseTimeoutMs: 10_000,
    });
    assert.deepEqual(config.worker, { concurrency: 1, shutdownGraceMs: 30_000, heartbeatMs: 5000, fetchAhead: 8 });
    assert.deepEqual(config.queue, {
      name: 'trials',
      attempts: 3,
      backoffMs: 1000,
      feedWindow: 2000,
      feedIntervalMs: 2000,
      reconcileIntervalMs: 15_000,
      blockMaxTrials: 128,
      blockMaxCost: 5_000_000,
      retentionDays: 0,
      retentionIntervalMs: 600_000,
      cancelPollMs: 1000,
      lockDurationMs: 15_000,
      stalledIntervalMs: 5000,
      maxStalledCount: 1,
      keepCompletedJobs: 1000,
      keepFailedJobs: 5000,
    });
    assert.deepEqual(config.limits, {
      maxTrials: 10_000_000,
      datasetBodyLimitBytes: 2048 * 1024 * 1024,
      sweepBodyLimitBytes: 1024 * 1024,
      netTimeoutMs: 10_000,
      trialMemoryMb: 2048,
      trialMemoryMaxMb: 16_384,
      trialTimeoutS: 3600,
      foldSplitMinCost: 200_000_000,
    });
  });

  it('builds the s3 section with bucket and region defaults when S3_ENDPOINT is set', () => {
    const config = loadConfig(S3_ENV);
    assert.deepEqual(config.s3, {
      endpoint: 'http://127.0.0.1:9000',
      accessKey: 'minio-access-key',
      secretKey: 'super-secret-value-123',
      bucket: 'sweepq',
      region: 'us-east-1',
      retryDeadlineMs: 60_000,
    });
  });

  it('parses explicit values and treats empty strings as unset', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://redis:6379/2',
      SWEEPQ_PREFIX: 'prod_1',
      PORT: '9090',
      HOST: '0.0.0.0',
      WORKER_CONCURRENCY: '4',
      SWEEPQ_REQUIRE_AUTH_FOR_READS: 'yes',
      LOG_LEVEL: 'debug',
      SWEEPQ_STATE_DIR: '/var/lib/sweepq',
      SWEEPQ_JOB_ATTEMPTS: '',
      NODE_ENV: 'production',
    });
    assert.equal(config.redis.url, 'redis://redis:6379/2');
    assert.equal(config.redis.prefix, 'prod_1');
    assert.equal(config.api.port, 9090);
    assert.equal(config.api.host, '0.0.0.0');
    assert.equal(config.worker.concurrency, 4);
    assert.equal(config.api.requireAuthForReads, true);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.stateDir, '/var/lib/sweepq');
    assert.equal(config.queue.attempts, 3);
    assert.equal(config.logPretty, false);
  });

  it('parses the API roles, Host allowlist, rate limits and bounds', () => {
    const config = loadConfig({
      SWEEPQ_API_TOKEN: 'write-token-0123456789',
      SWEEPQ_API_READ_TOKEN: 'read-token-0123456789',
      SWEEPQ_API_PROGRAM_TOKEN: 'program-token-0123456789',
      SWEEPQ_METRICS_TOKEN: 'metrics-token-0123456789',
      SWEEPQ_ALLOWED_HOSTS: 'Sweepq.Example, 10.0.0.5:8080 ,[::1]',
      SWEEPQ_RATE_LIMIT_READS: '0',
      SWEEPQ_RATE_LIMIT_WRITES: '10',
      SWEEPQ_RATE_LIMIT_WINDOW_MS: '1000',
      SWEEPQ_API_CACHE_MAX_BYTES: '1024',
      SWEEPQ_API_REDIS_TIMEOUT_MS: '750',
      SWEEPQ_SESSION_TTL_MS: '60000',
    });
    assert.equal(config.api.readToken, 'read-token-0123456789');
    assert.equal(config.api.programToken, 'program-token-0123456789');
    assert.equal(config.api.metricsToken, 'metrics-token-0123456789');
    assert.deepEqual(config.api.allowedHosts, ['sweepq.example', '10.0.0.5:8080', '[::1]']);
    assert.deepEqual(config.api.rateLimit, { windowMs: 1000, reads: 0, writes: 10 });
    assert.equal(config.api.readCacheMaxBytes, 1024);
    assert.equal(config.api.redisCommandTimeoutMs, 750);
    assert.equal(config.api.sessionTtlMs, 60_000);
  });

  it('adds a non-wildcard HOST to the default Host allowlist', () => {
    assert.deepEqual(loadConfig({ HOST: '192.168.1.20' }).api.allowedHosts, ['localhost', '127.0.0.1', '[::1]', '192.168.1.20']);
    assert.deepEqual(loadConfig({ HOST: '::' }).api.allowedHosts, ['localhost', '127.0.0.1', '[::1]']);
    assert.deepEqual(loadConfig({ HOST: '0.0.0.0' }).api.allowedHosts, ['localhost', '127.0.0.1', '[::1]']);
  });

  it('refuses equal tokens for two roles, bad allowlists and tokens a header cannot carry, without echoing tokens', () => {
    const error = configError({
      SWEEPQ_API_TOKEN: 'same-token-0123456789',
      SWEEPQ_API_READ_TOKEN: 'same-token-0123456789',
      SWEEPQ_API_PROGRAM_TOKEN: 'has space 0123456789',
      SWEEPQ_METRICS_TOKEN: 'same-token-0123456789',
      SWEEPQ_ALLOWED_HOSTS: 'ok.example, bad/host',
    });
    const variables = (error.details as { variable: string }[]).map((d) => d.variable).sort();
    assert.deepEqual(variables, ['SWEEPQ_ALLOWED_HOSTS', 'SWEEPQ_API_PROGRAM_TOKEN', 'SWEEPQ_API_READ_TOKEN', 'SWEEPQ_METRICS_TOKEN', 'SWEEPQ_METRICS_TOKEN']);
    assert.ok(!error.message.includes('same-token'), error.message);
    assert.ok(!error.message.includes('has space'), error.message);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.queue));
  });

  it('lists every bad variable in one INVALID_ARGUMENT error', () => {
    const error = configError({
      PORT: 'eighty',
      WORKER_CONCURRENCY: '0',
      LOG_LEVEL: 'verbose',
      SWEEPQ_PREFIX: 'Has:Colon',
      S3_BUCKET: 'Bad_Bucket',
      REDIS_URL: 'http://not-redis',
      SWEEPQ_REQUIRE_AUTH_FOR_READS: 'maybe',
      SWEEPQ_JOB_ATTEMPTS: '-1',
      S3_ENDPOINT: 'ftp://x',
    });
    assert.equal(error.code, 'INVALID_ARGUMENT');
    const details = error.details as { variable: string; problem: string }[];
    const variables = new Set(details.map((d) => d.variable));
    for (const name of [
      'PORT',
      'WORKER_CONCURRENCY',
      'LOG_LEVEL',
      'SWEEPQ_PREFIX',
      'S3_BUCKET',
      'REDIS_URL',
      'SWEEPQ_REQUIRE_AUTH_FOR_READS',
      'SWEEPQ_JOB_ATTEMPTS',
      'S3_ENDPOINT',
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
    ]) {
      assert.ok(variables.has(name), `${name} missing from ${JSON.stringify(details)}`);
      assert.match(error.message, new RegExp(`\\b${name}\\b`));
    }
    assert.match(error.message, /PORT="eighty"/);
  });

  it('requires both S3 keys when S3_ENDPOINT is set', () => {
    const error = configError({ S3_ENDPOINT: 'http://127.0.0.1:9000' });
    const variables = (error.details as { variable: string }[]).map((d) => d.variable).sort();
    assert.deepEqual(variables, ['S3_ACCESS_KEY', 'S3_SECRET_KEY']);
  });

  const secretCases = [
    { name: 'SWEEPQ_API_TOKEN', env: { SWEEPQ_API_TOKEN: 'short-secret' }, secret: 'short-secret' },
    { name: 'S3_SECRET_KEY', env: { ...S3_ENV, S3_SECRET_KEY: 'tiny' }, secret: 'tiny' },
    { name: 'REDIS_URL', env: { REDIS_URL: 'http://:hunter2pw@host' }, secret: 'hunter2pw' },
  ];
  for (const { name, env, secret } of secretCases) {
    it(`does not echo the value of ${name} in the error`, () => {
      const error = configError({ ...env, PORT: 'x' });
      assert.match(error.message, new RegExp(name));
      assert.ok(!error.message.includes(secret), error.message);
      assert.ok(!JSON.stringify(error.toJSON()).includes(secret));
    });
  }
});

describe('redactConfig', () => {
  it('replaces secrets with *** and strips the redis password', () => {
    const config = loadConfig({
      ...S3_ENV,
      SWEEPQ_API_TOKEN: 'a-long-enough-api-token',
      SWEEPQ_API_READ_TOKEN: 'a-long-enough-read-token',
      SWEEPQ_API_PROGRAM_TOKEN: 'a-long-enough-program-token',
      SWEEPQ_METRICS_TOKEN: 'a-long-enough-metrics-token',
      REDIS_URL: 'redis://:p4ssw0rd@redis:6379',
    });
    const redacted = redactConfig(config);
    const text = JSON.stringify(redacted);
    for (const secret of [
      'super-secret-value-123',
      'minio-access-key',
      'a-long-enough-api-token',
      'a-long-enough-read-token',
      'a-long-enough-program-token',
      'a-long-enough-metrics-token',
      'p4ssw0rd',
    ]) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    assert.equal(redacted.s3?.secretKey, '***');
    assert.equal(redacted.api.token, '***');
    assert.equal(redacted.redis.url, 'redis://:***@redis:6379');
    assert.equal(config.s3?.secretKey, 'super-secret-value-123', 'original untouched');
  });
});
