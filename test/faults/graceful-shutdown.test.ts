/**
 * Guarantee: stopping a worker never loses or double-counts a trial. On SIGTERM the worker stops
 * taking jobs and waits up to SWEEPQ_SHUTDOWN_GRACE_MS for its running trial; past the grace it
 * aborts the training thread, releases the trial (fenced) and moves its job back to the queue
 * (moveToDelayed + DelayedError), so another worker picks it up without spending an attempt.
 * And Ctrl-C on `sweepq run` shuts everything down in order and leaves no process behind.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readOwner } from '../../shared/runtime/state-folder.js';
import { MetricsIndex } from '../../shared/index/index.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { startRedisServer, uniquePrefix } from '../support/servers.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { activeTrialOf, CLI_BIN, forestSweepSpec, pidAlive, pidsOfStateDir, processGroupOf, sleep, waitFor } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

describe('graceful worker shutdown (SIGTERM)', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('graceful', { env: { SWEEPQ_LOCK_DURATION_MS: '3000', SWEEPQ_STALLED_INTERVAL_MS: '1000' }, queue: true });
  });
  after(() => cluster.close());

  it('hands a running trial back when the grace period is shorter than the trial', async (t) => {
    const { service, index, queue, fleet } = cluster;
    // ~5-7 s of training: far longer than the 1 s grace.
    const submitted = await service.submit(forestSweepSpec({ name: 'short-grace', trials: 1, nEstimators: 300 }));
    const leaving = fleet.spawn({ SWEEPQ_SHUTDOWN_GRACE_MS: '1000' });
    const trial = await waitFor('the trial to run on the leaving worker', () => activeTrialOf(index, submitted.sweepId, 1, leaving.workerId), 30_000, 20);
    await sleep(300);
    const termAt = Date.now();
    leaving.signal('SIGTERM');
    const exit = await leaving.exited;
    const exitMs = Date.now() - termAt;
    t.diagnostic(`worker exited ${exitMs} ms after SIGTERM (grace 1000 ms)`);
    assert.deepEqual(exit, { code: 0, signal: null }, leaving.tail());
    assert.ok(exitMs >= 900 && exitMs < 10_000, `exit after the grace, promptly (${exitMs} ms)`);

    // Handed back: queued again, not counted active, its job waiting for the next worker.
    const handedBack = (await index.trials.get(submitted.sweepId, trial.index))!;
    assert.equal(handedBack.status, 'queued');
    assert.equal(handedBack.attempt, 1);
    assert.deepEqual((await service.status(submitted.sweepId)).counts, {
      queued: 1,
      active: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      pruned: 0,
      quarantined: 0,
    });
    const state = await queue.getJobState(trial.id);
    assert.ok(state === 'delayed' || state === 'waiting' || state === 'prioritized', `job is back in the queue (state ${state})`);

    const next = fleet.spawn();
    const status = await waitForSweep(service, submitted.sweepId, 40_000);
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 1, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 }, next.tail());
    const done = (await index.trials.get(submitted.sweepId, trial.index))!;
    assert.equal(done.worker, next.workerId);
    assert.equal(done.attempt, 2);
    const job = await queue.getJob(trial.id);
    assert.ok(job !== undefined && job.attemptsMade <= 1, 'the hand-back did not spend a retry attempt');
    assert.equal(job.stalledCounter, 0, 'the job was handed back, never stalled');
    next.signal('SIGTERM');
    await next.exited;
  });

  it('lets the running trial finish before exiting when the grace period is long enough', async (t) => {
    const { service, index, fleet } = cluster;
    const submitted = await service.submit(forestSweepSpec({ name: 'long-grace', trials: 1, nEstimators: 100 }));
    const leaving = fleet.spawn({ SWEEPQ_SHUTDOWN_GRACE_MS: '30000' });
    const trial = await waitFor('the trial to run', () => activeTrialOf(index, submitted.sweepId, 1, leaving.workerId), 30_000, 20);
    const termAt = Date.now();
    leaving.signal('SIGTERM');
    const exit = await leaving.exited;
    const exitedAt = Date.now();
    t.diagnostic(`worker exited ${exitedAt - termAt} ms after SIGTERM, after finishing its trial`);
    assert.deepEqual(exit, { code: 0, signal: null }, leaving.tail());

    const done = (await index.trials.get(submitted.sweepId, trial.index))!;
    assert.equal(done.status, 'completed');
    assert.equal(done.worker, leaving.workerId);
    assert.equal(done.attempt, 1);
    assert.ok(done.finishedAt !== null && done.finishedAt <= exitedAt);
    assert.equal((await service.status(submitted.sweepId)).state, 'completed');
  });
});

/** Direct children of `pid` (read before the signal: afterwards they are reparented or gone). */
function childPids(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return out.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

describe('Ctrl-C on `sweepq run --workers 2`', () => {
  let setup: TestSetup;
  let cli: ChildProcess | undefined;

  before(async () => {
    setup = await makeTestSetup('ctrl-c');
  });
  after(async () => {
    // Whatever survived a failed assertion: kill by pid (the CLI, its workers, its redis-server).
    if (cli?.pid !== undefined && pidAlive(cli.pid)) process.kill(cli.pid, 'SIGKILL');
    for (const pid of pidsOfStateDir(setup.stateDir)) process.kill(pid, 'SIGKILL');
    await setup.cleanup();
  });

  it('cancels the sweep, stops workers and Redis, exits 130 and leaves no process behind', async (t) => {
    const file = path.join(setup.stateDir, 'sweep.json');
    const spec = forestSweepSpec({ name: 'ctrl-c', trials: 6, nEstimators: 300 });
    await writeFile(file, JSON.stringify(spec));
    const prefix = uniquePrefix('ctrl-c');
    // Embedded mode: no REDIS_URL, so the CLI starts its own redis-server under the state dir.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SWEEPQ_STATE_DIR: setup.stateDir,
      SWEEPQ_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    };
    // detached: its own process group, like a job in a terminal; Ctrl-C = SIGINT to that group.
    const child = spawn(process.execPath, [CLI_BIN, 'run', file, '--workers', '2'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    cli = child;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout?.resume();

    const sweepId = await waitFor('the sweep to be submitted', () => /sweep (s-[a-z0-9]+) /.exec(stderr)?.[1], 30_000);
    const children = childPids(child.pid!);
    const redisPid = children.find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server');
    assert.ok(redisPid !== undefined, 'the CLI started its embedded redis-server');
    // The state folder's lock names the owner's Redis and its password.
    const lock = await readOwner(setup.stateDir);
    assert.ok(lock !== null && lock.pid === child.pid && lock.redisPid === redisPid, 'the CLI owns the state folder');
    const probe = createRedisConnection(`redis://:${lock.password}@127.0.0.1:${lock.port}`, { name: 'fault-test' });
    const index = new MetricsIndex(probe, prefix);
    try {
      await waitFor('two trials running', async () => ((await index.sweeps.get(sweepId))?.counts.active ?? 0) >= 2, 30_000);
    } finally {
      probe.disconnect();
    }
    assert.equal(children.length, 3, `2 workers + redis-server are children of the CLI (got ${children.join(', ')})`);
    assert.ok(children.includes(redisPid));
    // A terminal delivers Ctrl-C to the whole foreground process group. Only the CLI may be in it:
    // it cancels the sweep and stops the workers while Redis still runs, then stops Redis itself.
    for (const pid of children) {
      assert.notEqual(processGroupOf(pid), child.pid, `child ${pid} is in its own process group, out of reach of Ctrl-C`);
    }

    const sigintAt = Date.now();
    process.kill(-child.pid, 'SIGINT');
    const exit = await waitFor('the CLI to exit', () => (child.exitCode !== null || child.signalCode !== null ? exited : undefined), 30_000);
    const exitMs = Date.now() - sigintAt;
    t.diagnostic(`sweepq run exited ${exitMs} ms after Ctrl-C`);
    assert.deepEqual(exit, { code: 130, signal: null }, stderr);
    for (const pid of children) assert.equal(pidAlive(pid), false, `child ${pid} is gone`);
    assert.deepEqual(pidsOfStateDir(setup.stateDir), [], 'no process of this state dir (workers, redis-server) is left');
    assert.match(stderr, new RegExp(`sweep ${sweepId} cancelled`));

    // The cancel reached Redis before it was stopped (and the AOF kept it): reopen the data dir.
    const reopened = await startRedisServer({ dir: path.join(setup.stateDir, 'redis') });
    const reader = createRedisConnection(reopened.url, { name: 'fault-test' });
    try {
      const sweep = (await new MetricsIndex(reader, prefix).sweeps.get(sweepId))!;
      assert.equal(sweep.cancelled, true, 'the sweep was cancelled before Redis stopped');
      assert.equal(sweep.counts.active, 0, 'running trials were aborted');
      assert.equal(sweep.counts.queued, 0);
      assert.ok(sweep.counts.cancelled > 0);
    } finally {
      reader.disconnect();
      await reopened.stop();
    }
  });
});

describe('SIGTERM to a worker whose Redis is gone', () => {
  let setup: TestSetup;

  before(async () => {
    setup = await makeTestSetup('sigterm-no-redis');
  });
  after(() => setup.cleanup());

  it('exits within the grace period instead of waiting for Redis forever', async () => {
    // A private Redis this test can stop; the worker's connections wait out outages by design.
    const redis = await startRedisServer();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...setup.env,
      REDIS_URL: redis.url,
      SWEEPQ_SHUTDOWN_GRACE_MS: '2000',
      SWEEPQ_HEARTBEAT_MS: '500',
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, [path.resolve(process.cwd(), 'dist/services/worker/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await waitFor('the worker to start', () => /worker started/.test(output), 30_000);
      await redis.stop();
      await sleep(500);
      const signalled = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'still running' as const)]);
      const ms = Date.now() - signalled;
      assert.notEqual(code, 'still running', `the worker ignored SIGTERM for 20 s:\n${output.slice(-2000)}`);
      assert.ok(ms < 2000 + 5000 + 3000, `exited ${ms} ms after SIGTERM (grace 2 s + 5 s margin)`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await redis.stop();
    }
  });
});
