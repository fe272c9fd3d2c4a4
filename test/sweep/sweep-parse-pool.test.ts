/**
 * Sweep bodies parsed in a worker thread (shared/sweep/sweep-parse-pool.ts): the API's event loop
 * keeps running while a slow body parses, a body past the deadline is refused and its thread
 * replaced, errors keep their code and location, and the waiting room is bounded.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SweepqError } from '../../shared/errors/index.js';
import { SweepParsePool } from '../../shared/sweep/sweep-parse-pool.js';

const LIMITS = { datasetBodyLimitBytes: 50 * 1024 * 1024 };
const SPEC = {
  name: 'pool_test',
  dataset: { make_classification: { n_samples: 40, n_features: 4, n_informative: 2, n_redundant: 0 } },
  trials: [{ model: 'logistic_regression', params: { C: 1 } }],
};
/** Valid YAML of ~0.9 MiB that the yaml library needs a second or more to compose (60,000 small mappings). */
const SLOW_BODY = `name: slow\ntrials:\n${'  - {model: logistic_regression}\n'.repeat(28_000)}`;

async function rejection(promise: Promise<unknown>): Promise<SweepqError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SweepqError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('SweepParsePool', () => {
  const pools: SweepParsePool[] = [];
  const pool = (options: Partial<ConstructorParameters<typeof SweepParsePool>[0]> = {}): SweepParsePool => {
    const created = new SweepParsePool({ timeoutMs: 20_000, limits: LIMITS, ...options });
    pools.push(created);
    return created;
  };
  after(() => Promise.all(pools.map((p) => p.close())));

  it('returns the document of a valid JSON or YAML body', async () => {
    const p = pool();
    assert.deepEqual(await p.parse(JSON.stringify(SPEC), 'json'), SPEC);
    assert.deepEqual(
      await p.parse(
        'name: pool_test\ndataset: {make_classification: {n_samples: 40, n_features: 4, n_informative: 2, n_redundant: 0}}\ntrials:\n  - {model: logistic_regression, params: {C: 1}}\n',
        'yaml',
      ),
      SPEC,
    );
  });

  it('keeps the code, message and location of a refused body', async () => {
    const p = pool();
    const error = await rejection(p.parse('name: x\ndataset: {csv: data.csv}\ntrials: []\n', 'yaml'));
    assert.equal(error.code, 'INVALID_SPEC');
    assert.equal(error.location?.line, 2);
    assert.match(error.message, /request body:2:\d+ at dataset\.csv/);
    assert.equal((await rejection(p.parse('{"name":', 'json'))).code, 'INVALID_ARGUMENT');
  });

  it('refuses generated data whose CSV could exceed the dataset limit before generating it', async () => {
    const p = pool({ limits: { datasetBodyLimitBytes: 10_000 } });
    const error = await rejection(
      p.parse(JSON.stringify({ ...SPEC, dataset: { make_classification: { n_samples: 1000, n_features: 4, n_informative: 2, n_redundant: 0 } } }), 'json'),
    );
    assert.equal(error.code, 'LIMIT_EXCEEDED');
    assert.match(error.message, /dataset limit/);
  });

  it('keeps the event loop free while a slow body parses', async () => {
    // A generous deadline: on a loaded machine the parse itself may take tens of seconds.
    const p = pool({ timeoutMs: 100_000 });
    let maxLag = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 10);
      last = now;
    }, 10);
    const started = performance.now();
    const error = await rejection(p.parse(SLOW_BODY, 'yaml'));
    const took = performance.now() - started;
    clearInterval(timer);
    assert.equal(error.code, 'INVALID_SPEC', error.message);
    assert.ok(took > 300, `the body took ${took} ms: not slow enough to show anything`);
    // Parsing on the event loop would stall it for the whole parse; a loaded machine adds scheduling
    // hiccups of its own, so the bound scales with the parse time.
    assert.ok(maxLag < Math.max(100, took / 4), `event loop lag ${maxLag} ms while parsing for ${took} ms`);
  });

  it('refuses a body past the deadline with LIMIT_EXCEEDED and parses the next one on a fresh thread', async () => {
    // Half a second cuts the slow body; the small body after it must parse on a fresh (cold) thread
    // within the same deadline, even on a loaded machine.
    const p = pool({ timeoutMs: 500 });
    const started = performance.now();
    const error = await rejection(p.parse(SLOW_BODY, 'yaml'));
    assert.equal(error.code, 'LIMIT_EXCEEDED');
    assert.match(error.message, /more than 500 ms/);
    assert.ok(performance.now() - started < 3000, 'the thread was stopped, not awaited');
    assert.deepEqual(await p.parse(JSON.stringify(SPEC), 'json'), SPEC);
  });

  it('bounds the bodies waiting for a thread (RATE_LIMITED)', async () => {
    const p = pool({ threads: 1, maxQueued: 1 });
    const running = p.parse(SLOW_BODY, 'yaml').catch(() => undefined);
    const waiting = p.parse(SLOW_BODY, 'yaml').catch(() => undefined);
    const refused = await rejection(p.parse(JSON.stringify(SPEC), 'json'));
    assert.equal(refused.code, 'RATE_LIMITED');
    await Promise.all([running, waiting]);
  });
});
