/**
 * Guarantee: a stale worker is fenced even while the attempt that superseded it is still running —
 * not only after that attempt completed (fencing.test.ts). Worker A trains the trial and, with its
 * result in hand, is paused (SIGSTOP) past its lock just as it writes the artefact; worker B claims the
 * trial (attempt 2, a fresh token) and starts training; A is resumed while B still trains. A's token is
 * well-formed and was valid, the trial is still `active`, so only the token comparison can refuse it:
 * the commit must come back `fenced` and change nothing; B's result then stands, counted once.
 *
 * To make "A commits while B runs" deterministic instead of a race, A reaches MinIO through a TCP
 * proxy that holds A's artefact PUT (matched by its request line) until the test releases it: A has
 * finished training when the hold triggers, so after SIGCONT it is one PUT and one commit away from
 * done, while B still has its whole training ahead.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testEnv } from '../support/servers.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { forestSweepSpec, waitFor } from './fault-harness.js';
import { cleanUp, guardOnExit } from './cleanup-guard.js';
import { FaultCluster } from './fault-cluster.js';
import { TERMINAL_STATUSES } from './index-consistency.js';

describe('fencing a stale worker while the new attempt is still running', () => {
  let cluster: FaultCluster | undefined;
  let proxy: TcpProxy | undefined;
  const unguard = guardOnExit(() => ({ clusters: [cluster] }));

  before(async () => {
    const s3 = testEnv().s3;
    if (s3 === undefined) throw new Error('TEST_S3_ENDPOINT is not set: run tests through `npm test`');
    const upstream = new URL(s3.endpoint);
    proxy = await TcpProxy.start({ host: '127.0.0.1', upstream: { host: upstream.hostname, port: Number(upstream.port) } });
    cluster = await FaultCluster.start('fence-running', { s3: true });
  });
  after(() =>
    cleanUp(
      () => cluster?.close(),
      () => proxy?.close(),
      unguard,
    ),
  );

  it('refuses the paused attempt’s commit (fenced) while the new attempt trains, and keeps the new result', async (t) => {
    assert.ok(cluster !== undefined && proxy !== undefined);
    const { service, redis, index, fleet, setup } = cluster;
    const submitted = await service.submit(forestSweepSpec({ name: 'fence-running', trials: 1, nEstimators: 300 }));
    const { sweepId } = submitted;
    const bucket = setup.env.S3_BUCKET!;

    // A: short lock, store through the proxy; its artefact PUT is held once its training is done.
    const held = proxy.holdWhen(new RegExp(`^PUT /${bucket}/artifacts/`, 'm'));
    const a = fleet.spawn({
      S3_ENDPOINT: `http://${proxy.address}`,
      SWEEPQ_LOCK_DURATION_MS: '2000',
      SWEEPQ_STALLED_INTERVAL_MS: '1000',
      SWEEPQ_STATE_DIR: path.join(setup.stateDir, 'a'),
    });
    await waitFor('A to finish training and send its artefact', () => held.then(() => true), 90_000);
    const first = (await index.trials.get(sweepId, 0))!;
    assert.equal(first.status, 'active');
    assert.equal(first.worker, a.workerId);
    assert.equal(first.attempt, 1);
    a.signal('SIGSTOP');
    const pausedAt = Date.now();

    // B: a lock far longer than this test, so nothing but A's expired lock moves the job.
    const b = fleet.spawn({
      SWEEPQ_LOCK_DURATION_MS: '120000',
      SWEEPQ_STALLED_INTERVAL_MS: '500',
      SWEEPQ_STATE_DIR: path.join(setup.stateDir, 'b'),
    });
    const claimedByB = await waitFor(
      'B to claim the trial after A’s lock expired',
      async () => {
        const trial = await index.trials.get(sweepId, 0);
        return trial?.status === 'active' && trial.worker === b.workerId ? trial : undefined;
      },
      60_000,
      20,
    );
    assert.equal(claimedByB.attempt, 2);
    t.diagnostic(`B claimed attempt 2 ${Date.now() - pausedAt} ms after A was paused`);

    a.signal('SIGCONT');
    proxy.release();
    const refusal = await a.waitForLine(/this attempt was superseded/, 60_000);
    const refusedAt = Date.now();
    assert.match(refusal, /"committed":"fenced"/, 'refused by the token check: the trial was still active');

    // At A's refusal B was still training: the trial is B's, active, and nothing was counted.
    const during = (await index.trials.get(sweepId, 0))!;
    assert.deepEqual(
      { status: during.status, worker: during.worker, attempt: during.attempt, metrics: during.metrics },
      { status: 'active', worker: b.workerId, attempt: 2, metrics: null },
      'the refused commit left B’s running attempt untouched',
    );
    const sweep = await redis.hgetall(index.keys.sweep(sweepId));
    assert.equal(sweep.active, '1');
    assert.equal(sweep.completed ?? '0', '0');
    assert.equal(await redis.zcard(index.keys.best(sweepId)), 0, 'no leaderboard entry from the refused commit');
    assert.deepEqual(
      (await index.log.readAll(sweepId)).filter((e) => TERMINAL_STATUSES.has(e.s)),
      [],
      'no terminal event from the refused commit',
    );

    const final = await waitFor(
      'B to finish the trial',
      async () => {
        const s = await service.status(sweepId);
        return s.state === 'completed' ? s : undefined;
      },
      120_000,
      100,
    );
    assert.equal(final.counts.completed, 1);
    const won = (await index.trials.get(sweepId, 0))!;
    assert.equal(won.worker, b.workerId, 'B’s result stands');
    assert.equal(won.attempt, 2);
    assert.ok(won.finishedAt !== null && won.finishedAt > refusedAt - 1000, 'B committed after A was refused');
    const completions = (await index.log.readAll(sweepId)).filter((e) => e.s === 'completed');
    assert.equal(completions.length, 1, 'counted once');
    assert.equal(completions[0]!.w, b.workerId);
    assert.equal((await service.status(sweepId)).counts.completed, 1);
    assert.ok((await service.artifact(sweepId, won.id)).length > 0);
    assert.ok(a.running, `the fenced worker keeps running:\n${a.tail()}`);
    t.diagnostic(`A refused ${refusedAt - pausedAt} ms after its pause; B committed ${won.finishedAt - refusedAt} ms after that`);
  });
});
