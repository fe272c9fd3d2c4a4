/**
 * Guarantee: with AOF `appendfsync everysec`, commits that were acknowledged and then lost in a crash
 * leave a consistent index, and the sweep still finishes with every trial counted once.
 *
 * What everysec may lose is what was written to the AOF but not yet fsynced — up to a second or two
 * of acknowledged writes — when the machine (not only redis-server) goes down. A `kill -9` of
 * redis-server alone loses nothing acknowledged (Redis write(2)s the AOF buffer before it sends the
 * replies, and the kernel keeps those bytes), so the test reproduces the machine crash exactly: it
 * samples the AOF's size while the sweep runs, and right after a client sees a commit acknowledged it
 * SIGKILLs Redis and cuts the AOF back to a size it had *before* that commit — the page-cache tail an
 * OS crash drops. Redis then restarts from a state that is a true prefix of its history, while the
 * workers, the artefact store and the test remember a future that never happened.
 *
 * After the restart the index, the counters, the completion log and the artefacts must agree (counters
 * = statuses of the trial hashes, one terminal log event per terminal trial, completed trials have
 * artefacts); the lost trials are trained again and count once; the sweep finishes.
 */
import assert from 'node:assert/strict';
import { readFile, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRedisServer, type TestRedisServer } from '../support/servers.js';
import { assertCompletedExactlyOnce, forestSweepSpec, waitFor } from './fault-harness.js';
import { cleanUp, guardOnExit } from './cleanup-guard.js';
import { FaultCluster } from './fault-cluster.js';
import { assertIndexConsistent, assertQueueDrained, TERMINAL_STATUSES } from './index-consistency.js';

const TRIALS = 16;
/** How much acknowledged history the crash takes: everysec fsyncs once a second (2 s when it is late). */
const LOSS_WINDOW_MS = 1000;

/** The incremental AOF file Redis (≥ 7, multi-part AOF) appends to: the manifest's last `type i` entry. */
async function currentIncrAof(redisDir: string): Promise<string> {
  const aofDir = path.join(redisDir, 'appendonlydir');
  const manifest = await readFile(path.join(aofDir, 'appendonly.aof.manifest'), 'utf8');
  let incr: string | undefined;
  for (const line of manifest.split('\n')) {
    const match = /^file (\S+) seq \d+ type i\b/.exec(line.trim());
    if (match !== null) incr = match[1];
  }
  if (incr === undefined) throw new Error(`no incremental AOF in the manifest:\n${manifest}`);
  return path.join(aofDir, incr);
}

describe('acknowledged commits lost with AOF everysec (machine crash)', () => {
  let server: TestRedisServer | undefined;
  let cluster: FaultCluster | undefined;
  const unguard = guardOnExit(() => ({ clusters: [cluster], servers: [server] }));

  before(async () => {
    server = await startRedisServer({ appendonly: true });
    cluster = await FaultCluster.start('aof-lost', {
      s3: true,
      queue: true,
      env: { REDIS_URL: server.url, SWEEPQ_LOCK_DURATION_MS: '3000', SWEEPQ_STALLED_INTERVAL_MS: '1000' },
    });
    cluster.redis.on('error', () => undefined); // refused reconnects while Redis is down are expected here
  });
  after(() =>
    cleanUp(
      () => cluster?.close(),
      () => server?.stop(),
      unguard,
    ),
  );

  it('keeps index, counters, completion log and artefacts in agreement and finishes the sweep once', async (t) => {
    assert.ok(cluster !== undefined && server !== undefined);
    const { service, redis, index, fleet } = cluster;
    const redisServer = server;
    const submitted = await service.submit(forestSweepSpec({ name: 'aof-lost', trials: TRIALS, nEstimators: 20 }));
    const { sweepId } = submitted;
    const sweepKey = index.keys.sweep(sweepId);
    const logKey = index.keys.log(sweepId);
    const aof = await currentIncrAof(redisServer.dir);
    fleet.spawn();
    fleet.spawn();

    // Sample (AOF size, then completed count). A count read after a size sample was taken proves the
    // commits behind that count reached the AOF no later than that size: a commit seen only by a
    // later read was executed — and so written — after the size sample.
    interface Sample {
      at: number;
      size: number;
      completed: number;
      logLength: number;
    }
    const samples: Sample[] = [];
    let killedAt = 0;
    let keptAtLeast = 0;
    let keptAtMost = 0;
    let cut: { size: number; sizeAtKill: number; windowMs: number; lost: number[]; seenCompleted: number } | undefined;
    const deadline = Date.now() + 60_000;
    while (cut === undefined) {
      assert.ok(Date.now() < deadline, 'six commits were acknowledged within 60 s');
      const at = Date.now();
      const size = (await stat(aof)).size;
      const [completedText, logLength] = (await redis.multi().hget(sweepKey, 'completed').llen(logKey).exec())!.map(([error, value]) => {
        if (error) throw error;
        return value;
      }) as [string | null, number];
      const completed = Number(completedText ?? 0);
      const last = samples.at(-1);
      if (last !== undefined && completed > last.completed && completed >= 6) {
        // Acknowledged: this client read them completed (and their workers got 'ok'). The crash loses
        // what everysec had not fsynced: cut back to the last sample at least LOSS_WINDOW_MS old.
        let baseAt = 0;
        for (let k = 0; k < samples.length; k++) if (samples[k]!.at <= at - LOSS_WINDOW_MS) baseAt = k;
        const base = samples[baseAt]!;
        // What the restored state must still hold: every commit seen before the cut was sampled.
        keptAtLeast = samples[Math.max(0, baseAt - 1)]!.completed;
        keptAtMost = base.completed;
        const events = await redis.lrange(logKey, base.logLength, -1);
        const lost = events
          .map((e) => JSON.parse(e) as { i: number; s: string })
          .filter((e) => e.s === 'completed')
          .map((e) => e.i);
        await redisServer.kill('SIGKILL');
        killedAt = Date.now();
        const sizeAtKill = (await stat(aof)).size;
        cut = { size: base.size, sizeAtKill, windowMs: Date.now() - base.at, lost, seenCompleted: completed };
        break;
      }
      samples.push({ at, size, completed, logLength });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(cut.lost.length > 0, 'the lost window holds an acknowledged commit');
    // The machine crash: the un-fsynced tail of the AOF is gone.
    await truncate(aof, cut.size);
    t.diagnostic(
      `killed after ${cut.seenCompleted} acknowledged commits; AOF cut from ${cut.sizeAtKill} to ${cut.size} bytes (the last ${cut.windowMs} ms), losing the acknowledged commit(s) of trial(s) ${cut.lost.join(', ')}`,
    );
    await redisServer.restart();

    // The restored state is consistent, and the acknowledged commits really are gone.
    const restored = await waitFor('the restored index', () => assertIndexConsistent(service, index, redis, sweepId), 20_000, 100);
    for (const i of cut.lost) {
      const trial = restored.trials.find((x) => x.index === i);
      assert.ok(trial === undefined || !TERMINAL_STATUSES.has(trial.status), `the acknowledged commit of trial ${i} was lost (${trial?.status})`);
    }
    assert.ok(restored.counters.completed < cut.seenCompleted, 'fewer completed after the crash than were acknowledged before it');
    assert.ok(
      restored.counters.completed >= keptAtLeast && restored.counters.completed <= keptAtMost,
      `the commits older than the lost window survived (${keptAtLeast} ≤ ${restored.counters.completed} ≤ ${keptAtMost})`,
    );
    t.diagnostic(`after restart: ${restored.counters.completed} completed, ${restored.counters.active} active, ${restored.created} created`);

    const final = await waitFor(
      'the sweep to finish',
      async () => {
        const s = await service.status(sweepId);
        return s.state === 'completed' ? s : undefined;
      },
      90_000,
      100,
    );
    assert.equal(final.counts.completed, TRIALS);
    const trials = await assertCompletedExactlyOnce(service, index, redis, sweepId, TRIALS);
    await assertIndexConsistent(service, index, redis, sweepId);
    await assertQueueDrained(cluster.queue);
    for (const i of cut.lost) {
      const trial = trials.find((x) => x.index === i)!;
      assert.ok(trial.finishedAt !== null && trial.finishedAt > killedAt, `trial ${i}, whose commit was lost, was trained and committed again after the crash`);
    }
    t.diagnostic(`sweep finished; ${trials.filter((x) => x.attempt > 1).length} trial(s) trained more than once`);
  });
});
