/**
 * Trial blocks (issue 13 item 4): short trials travel several to a BullMQ job, and every guarantee of
 * a trial with a job of its own still holds for each of them — claimed, fenced and committed once
 * each; a worker killed mid-block re-runs only the block's uncommitted trials; a cancel stops a block
 * between trials; a trial whose training process keeps crashing leaves its block for a job of its own
 * and is quarantined there while its block-mates complete.
 * Real Redis, real worker processes; blocks of 4 (32 trials a step → 8 blocks) or 8 (64 trials, run
 * in groups of 2 claimed, trained and committed together), ~0.1 s trials.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { FaultCluster } from './fault-cluster.js';
import { allTrials, assertCompletedExactlyOnce, trainingProcessesOf, waitFor } from './fault-harness.js';

const TRIALS = 32;

/** 32 small forests (~0.1 s each) and, optionally, one slow trial first (the costliest goes first). */
function blockSpec(name: string, options: { slow?: boolean; seed?: number; trials?: number } = {}): Record<string, unknown> {
  const trials: Array<Record<string, unknown>> = [];
  const count = options.trials ?? TRIALS;
  const small = options.slow === true ? count - 1 : count;
  if (options.slow === true) trials.push({ name: 'slow', model: 'random_forest', params: { n_estimators: 3000, max_depth: null, random_state: 0 } });
  for (let i = 0; i < small; i++) trials.push({ name: `rf_${i}`, model: 'random_forest', params: { n_estimators: 8, max_depth: 6, random_state: i } });
  return {
    name,
    seed: options.seed ?? 0,
    dataset: { make_classification: { n_samples: 1500, n_features: 10, n_informative: 5, random_state: 1 }, target: 'target' },
    split: { test_size: 0.2, random_state: 0, stratify: false },
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    cv: { folds: 0 },
    objective: { metric: 'accuracy', goal: 'maximize' },
    trials,
    cache: false,
  };
}

/** The block job each trial's first job was (the `block` field the feeder writes), by trial index. */
async function blocksOf(cluster: FaultCluster, sweepId: string, count = TRIALS): Promise<Array<string | null>> {
  const pipeline = cluster.redis.pipeline();
  for (let i = 0; i < count; i++) pipeline.hget(cluster.index.keys.trial(sweepId, i), 'block');
  return ((await pipeline.exec()) ?? []).map(([, value]) => (value as string | null) ?? null);
}

/** Trials grouped by block id. */
function byBlock(trials: readonly TrialRecord[], blocks: ReadonlyArray<string | null>): Map<string, TrialRecord[]> {
  const out = new Map<string, TrialRecord[]>();
  for (const trial of trials) {
    const block = blocks[trial.index];
    if (block === null || block === undefined) continue;
    out.set(block, [...(out.get(block) ?? []), trial]);
  }
  return out;
}

describe('trial blocks', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('trial-blocks', {
      env: {
        // A step of 32 trials forms blocks of 4 (at most 1/8 of the step each), one of 64 blocks of 8.
        SWEEPQ_BLOCK_MAX_TRIALS: '8',
        SWEEPQ_BLOCK_MAX_COST: '1000000000000',
        SWEEPQ_LOCK_DURATION_MS: '2000',
        SWEEPQ_STALLED_INTERVAL_MS: '1000',
        SWEEPQ_BACKOFF_MS: '100',
      },
      queue: true,
    });
  });
  after(() => cluster.close());
  // Each test's workers go with it, even when it fails: a worker left running would take the next test's jobs.
  afterEach(() => cluster.fleet.killAll());

  it('runs short trials in blocks, each claimed and committed exactly once', async () => {
    cluster.fleet.spawn();
    cluster.fleet.spawn();
    const { sweepId } = await cluster.service.submit(blockSpec('blocks_once'));
    await waitForSweep(cluster.service, sweepId, 60_000);
    const trials = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, sweepId, TRIALS);
    const groups = byBlock(trials, await blocksOf(cluster, sweepId));
    assert.equal(groups.size, TRIALS / 4, 'eight blocks of four');
    for (const [block, members] of groups) assert.equal(members.length, 4, `${block} carried four trials`);
    for (const trial of trials) assert.equal(trial.attempt, 1, `${trial.name} was claimed once`);
  });

  // Blocks of 4 run trial by trial; blocks of 8 (64 trials a step) in groups of 2, claimed, trained and
  // committed together: the kill then lands mid-group.
  for (const count of [TRIALS, 2 * TRIALS]) {
    it(`re-runs only the uncommitted trials of a block whose worker was killed mid-block (blocks of ${count / 8})`, async () => {
      const victim = cluster.fleet.spawn();
      const { sweepId } = await cluster.service.submit(blockSpec(`blocks_kill_${count}`, { seed: 1, trials: count }));
      const blocks = await waitFor(
        'block ids',
        async () => ((await blocksOf(cluster, sweepId, count)).every((b) => b !== null) ? blocksOf(cluster, sweepId, count) : undefined),
        30_000,
      );
      // Mid-block: a block with a trial committed by the victim and one still running on it.
      const before = await waitFor(
        'a block half done on the victim',
        async () => {
          const trials = await allTrials(cluster.index, sweepId, count);
          for (const members of byBlock(trials, blocks).values()) {
            if (members.some((t) => t.status === 'completed') && members.some((t) => t.status === 'active' && t.worker === victim.workerId)) return trials;
          }
          return undefined;
        },
        60_000,
        10,
      );
      victim.signal('SIGKILL');
      await victim.exited;
      const committedBefore = new Set(before.filter((t) => t.status === 'completed').map((t) => t.index));
      cluster.fleet.spawn();
      await waitForSweep(cluster.service, sweepId, 60_000);
      const trials = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, sweepId, count);
      // Committed by the victim: kept, never trained again. A trial can still have been committed in the
      // moment between our read and the kill; none was trained twice after its commit either way.
      for (const trial of trials) {
        if (committedBefore.has(trial.index)) {
          assert.equal(trial.worker, victim.workerId, `${trial.name} stays the victim's`);
          assert.equal(trial.attempt, 1, `${trial.name} was not re-run`);
        }
      }
      const rerun = trials.filter((t) => t.attempt > 1);
      assert.ok(rerun.length >= 1, 'the trial in flight was run again');
      for (const trial of rerun) {
        assert.ok(!committedBefore.has(trial.index));
        assert.equal(trial.retries, 1, `${trial.name}, in flight at the kill, was moved to a job of its own`);
      }
    });
  }

  it('stops a block between trials when its sweep is cancelled', async () => {
    cluster.fleet.spawn();
    const { sweepId } = await cluster.service.submit(blockSpec('blocks_cancel', { seed: 2 }));
    const blocks = await waitFor(
      'block ids',
      async () => ((await blocksOf(cluster, sweepId)).every((b) => b !== null) ? blocksOf(cluster, sweepId) : undefined),
      30_000,
    );
    // A running block: one trial done, one still queued behind the one training.
    const waiting = await waitFor(
      'a block with a committed and a queued trial',
      async () => {
        const trials = await allTrials(cluster.index, sweepId, TRIALS);
        for (const members of byBlock(trials, blocks).values()) {
          const queued = members.filter((t) => t.status === 'queued');
          if (members.some((t) => t.status === 'completed') && members.some((t) => t.status === 'active') && queued.length > 0) return queued;
        }
        return undefined;
      },
      60_000,
      10,
    );
    await cluster.service.cancel(sweepId);
    const cancelled = Date.now();
    // The trial training at the cancel is aborted (or commits as cancelled) a moment later.
    const status = await waitFor(
      'the cancelled sweep to settle',
      async () => {
        const s = await cluster.service.status(sweepId);
        return s.counts.active === 0 ? s : undefined;
      },
      30_000,
    );
    assert.equal(status.state, 'cancelled');
    assert.equal(status.counts.queued, 0);
    assert.equal(status.counts.completed + status.counts.cancelled, TRIALS);
    for (const trial of waiting) {
      const after = (await cluster.index.trials.get(sweepId, trial.index))!;
      assert.equal(after.status, 'cancelled', `${trial.name}, queued in the running block at the cancel, ends cancelled`);
      // On a loaded machine the block can claim it between our read and the cancel's flag (claims
      // refuse once the flag is set): it then trained legitimately, claimed before the cancel returned.
      if (after.metrics !== null) assert.ok(after.startedAt !== null && after.startedAt <= cancelled, `${trial.name} was claimed after the cancel`);
    }
  });

  it('moves a trial whose training process crashes out of its block and quarantines it there; its block-mates complete', async () => {
    const worker = cluster.fleet.spawn();
    const { sweepId } = await cluster.service.submit(blockSpec('blocks_poison', { slow: true, seed: 3 }));
    const blocks = await waitFor(
      'block ids',
      async () => ((await blocksOf(cluster, sweepId)).every((b) => b !== null) ? blocksOf(cluster, sweepId) : undefined),
      30_000,
    );
    assert.ok(blocks[0] !== null, 'the slow trial starts in a block');
    for (let crash = 1; crash <= 2; crash++) {
      await waitFor(
        `attempt ${crash} of the slow trial to train`,
        async () => {
          const slow = await cluster.index.trials.get(sweepId, 0);
          return slow?.attempt === crash && slow.status === 'active' ? slow : undefined;
        },
        30_000,
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}: ${JSON.stringify(await cluster.index.trials.get(sweepId, 0))}\n${worker.tail(30)}`);
      });
      const pids = await waitFor(
        'the training process',
        () => (trainingProcessesOf(worker.pid).length > 0 ? trainingProcessesOf(worker.pid) : undefined),
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const pid of pids) process.kill(pid, 'SIGSEGV');
    }
    const status = await waitForSweep(cluster.service, sweepId, 60_000);
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: TRIALS - 1, failed: 0, cancelled: 0, pruned: 0, quarantined: 1 });
    const slow = (await cluster.index.trials.get(sweepId, 0))!;
    assert.equal(slow.status, 'quarantined');
    assert.equal(slow.retries, 1, 'after its first crash it ran on a job of its own');
    assert.match(slow.error ?? '', /^TRAINING_CRASHED/);
    const trials = await allTrials(cluster.index, sweepId, TRIALS);
    const mates = trials.filter((t) => t.index !== 0 && blocks[t.index] === blocks[0]);
    assert.ok(mates.length >= 1);
    for (const mate of mates) {
      assert.equal(mate.status, 'completed', `${mate.name}, in the slow trial's block, completed`);
      assert.equal(mate.attempt, 1, `${mate.name} ran once`);
    }
    assert.ok(worker.running, 'the worker survives');
  });

  it('lets the reconciler find the trials of a block whose job is gone and run them on jobs of their own', async () => {
    const { sweepId } = await cluster.service.submit(blockSpec('blocks_stranded', { seed: 4 }));
    const blocks = await waitFor(
      'block ids',
      async () => ((await blocksOf(cluster, sweepId)).every((b) => b !== null) ? blocksOf(cluster, sweepId) : undefined),
      30_000,
    );
    // The job of one block vanishes (a feeder that died between recording and enqueueing it).
    const lost = blocks[0]!;
    assert.equal(await cluster.queue.remove(lost), 1);
    const stranded = blocks.flatMap((b, i) => (b === lost ? [i] : []));
    // `retry` with nothing to bring back runs the reconciler's repair at once.
    assert.equal((await cluster.service.retry(sweepId)).requeued, stranded.length, "only the lost block's trials were stranded");
    cluster.fleet.spawn();
    await waitForSweep(cluster.service, sweepId, 60_000);
    const trials = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, sweepId, TRIALS);
    for (const trial of trials) assert.equal(trial.retries, stranded.includes(trial.index) ? 1 : 0, `${trial.name} ran on the job it should`);
  });
});
