/**
 * A program run's record (issue 14) stored with the end of a failed or cancelled attempt, on a real
 * Redis: under the attempt's token exactly like a commit (a superseded attempt stores nothing), read
 * back as the trial's `program`, and removed by a retry so a re-run never shows the old failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../shared/index/index.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { createTestSweep } from '../support/index-fixtures.js';
import { testEnv, uniquePrefix } from '../support/servers.js';

const RECORD = {
  history: { val_loss: [[0, 0.9]] },
  stdout: 'epoch 0\n',
  stderr: 'ValueError: bad lr\n',
  exitCode: 1,
  signal: null,
  durationMs: 1200,
  reason: 'exit',
  files: 0,
  invalidReports: 0,
  firstInvalidReport: null,
};

describe('a program run record stored with a failed attempt', () => {
  let redis: Redis;
  let index: MetricsIndex;

  before(() => {
    redis = createRedisConnection(testEnv().redisUrl!, { name: 'program-record-test' });
    index = new MetricsIndex(redis, uniquePrefix('program-record'));
  });
  after(() => redis.quit());

  it('is stored only under the current token, read back as the trial record, and removed by a retry', async () => {
    const id = await createTestSweep(index, { trials: 2 });
    assert.equal((await index.transitions.claim(id, 0, 'first', 'w1')).result, 'ok');
    assert.equal(await index.transitions.fail(id, 0, 'superseded', 'PROGRAM_FAILED: late', Date.now(), { program: RECORD }), 'fenced');
    assert.equal((await index.trials.get(id, 0))!.program, undefined, 'a refused end writes nothing');

    assert.equal(await index.transitions.fail(id, 0, 'first', 'PROGRAM_FAILED: the program exited with code 1', Date.now(), { program: RECORD }), 'ok');
    const failed = (await index.trials.get(id, 0))!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'PROGRAM_FAILED: the program exited with code 1');
    assert.deepEqual(failed.program, RECORD);

    await index.transitions.requeue(id);
    assert.equal((await index.trials.get(id, 0))!.program, undefined, 'the retry starts without the old record');
    assert.equal((await index.transitions.claim(id, 0, 'second', 'w2')).result, 'ok');
    assert.equal(
      await index.transitions.abort(id, 0, 'second', Date.now(), { program: { ...RECORD, exitCode: null, signal: 'SIGTERM', reason: 'cancel' } }),
      'ok',
    );
    const cancelled = (await index.trials.get(id, 0))!;
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual([cancelled.program?.reason, cancelled.program?.signal], ['cancel', 'SIGTERM']);
  });
});
