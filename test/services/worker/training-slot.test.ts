/**
 * A training slot from the worker's side: one trial at a time, real training in a child process,
 * errors mapped to codes, abort that really stops the CPU work and leaves a usable slot behind, and
 * the limits: memory (RLIMIT_AS) and wall clock breached by a trial fail that trial alone; a batch of
 * trials (a block's group) in one message, its results streamed back one by one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { datasetToCsv } from '../../../shared/ml/dataset/write-csv.js';
import { makeClassification } from '../../../shared/ml/dataset/make-classification.js';
import { TrainingSlot } from '../../../services/worker/training-slot.js';
import type { SlotLimits } from '../../../services/worker/training-task.js';
import { OVER_MEMORY_LIMITS, OVER_MEMORY_MODEL, trainingTask, type TaskWithoutSlotFields } from '../../support/training-task.js';

let dir: string;
let trainPath: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-thread-'));
  trainPath = path.join(dir, 'train.csv');
  await writeFile(
    trainPath,
    datasetToCsv(makeClassification({ n_samples: 3000, n_features: 20, n_informative: 10, n_redundant: 2, random_state: 1 }), 'target'),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

const LIMITS: SlotLimits = { memoryMb: 1024, timeoutS: 120 };

function task(overrides: Partial<TaskWithoutSlotFields> = {}): TaskWithoutSlotFields {
  return trainingTask(trainPath, 'a'.repeat(64), overrides);
}

describe('TrainingSlot', () => {
  it('is reserved by one trial at a time, synchronously', () => {
    const thread = new TrainingSlot();
    assert.equal(thread.tryReserve(), true);
    assert.equal(thread.busy, true);
    assert.equal(thread.tryReserve(), false, 'a second trial cannot take it while the first downloads its data');
    thread.unreserve();
    assert.equal(thread.tryReserve(), true);
    thread.unreserve();
  });

  it('trains a trial and returns metrics, per-fold scores and the artefact', async () => {
    const thread = new TrainingSlot();
    try {
      const result = await thread.run(task(), LIMITS);
      assert.equal(result.ok, true);
      if (!result.ok) return;
      assert.ok(result.metrics.accuracy! > 0.6);
      assert.equal(result.cvScores.length, 3);
      assert.match(result.pipelineJson, /"format":"sweepq.pipeline"/);
    } finally {
      await thread.close();
    }
  });

  it('trains a trial that arrives while the idle process warms its learners, with the same results as at once', async () => {
    const idle = new TrainingSlot();
    const busy = new TrainingSlot();
    try {
      idle.warmUp(LIMITS);
      // Past the process's 250 ms without a task: its warm-up (learner-warm-up.ts) is running.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const [warmed, cold] = await Promise.all([
        idle.run(task({ model: 'random_forest', params: { n_estimators: 5 } }), LIMITS),
        busy.run(task({ model: 'random_forest', params: { n_estimators: 5 } }), LIMITS),
      ]);
      assert.equal(warmed.ok, true);
      assert.equal(cold.ok, true);
      if (!warmed.ok || !cold.ok) return;
      assert.deepEqual(warmed.metrics, cold.metrics);
      assert.equal(warmed.pipelineJson, cold.pipelineJson);
    } finally {
      await Promise.all([idle.close(), busy.close()]);
    }
  });

  it('answers a bad parameter with its code instead of throwing', async () => {
    const thread = new TrainingSlot();
    try {
      const result = await thread.run(task({ params: { C: -1 } }), LIMITS);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.error.code, 'INVALID_MODEL');
      assert.match(result.error.message, /C/);
    } finally {
      await thread.close();
    }
  });

  it('aborts a long training at once and trains the next trial on a fresh thread', async () => {
    const thread = new TrainingSlot();
    try {
      const long = thread.run(task({ model: 'random_forest', params: { n_estimators: 2000, max_depth: null } }), LIMITS);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      const cancelled = assert.rejects(long, { code: 'CANCELLED' });
      await thread.abort('test');
      await cancelled;
      assert.ok(Date.now() - started < 2000, 'the CPU work stopped');
      const next = await thread.run(task(), LIMITS);
      assert.equal(next.ok, true, 'the thread is usable again');
    } finally {
      await thread.close();
    }
  });

  it(
    'fails a trial that needs more memory than its limit as LIMIT_EXCEEDED, and the slot trains the next one',
    { skip: !TrainingSlot.enforcesMemory && 'prlimit is not available' },
    async () => {
      const slot = new TrainingSlot();
      try {
        const result = await slot.run(task(OVER_MEMORY_MODEL), OVER_MEMORY_LIMITS);
        assert.equal(result.ok, false);
        if (result.ok) return;
        assert.equal(result.error.code, 'LIMIT_EXCEEDED', result.error.message);
        assert.match(result.error.message, /64 MB/);
        assert.equal((await slot.run(task(), LIMITS)).ok, true, 'the next trial trains under its own limit');
      } finally {
        await slot.close();
      }
    },
  );

  it('stops a trial that runs past its time limit as LIMIT_EXCEEDED', async () => {
    const slot = new TrainingSlot();
    try {
      const started = Date.now();
      const result = await slot.run(task({ model: 'random_forest', params: { n_estimators: 3000, max_depth: null } }), { memoryMb: 1024, timeoutS: 1 });
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.error.code, 'LIMIT_EXCEEDED');
      assert.match(result.error.message, /time limit of 1 s/);
      assert.ok(Date.now() - started < 10_000);
    } finally {
      await slot.close();
    }
  });

  it('trains a batch in one message, streaming results; a limit ends the batch at its trial', async () => {
    const slot = new TrainingSlot();
    try {
      const seen: Array<{ position: number; ok: boolean; code?: string }> = [];
      const slow = task({ model: 'random_forest', params: { n_estimators: 3000, max_depth: null } });
      const answered = await slot.runBatch([task(), task({ params: { C: -1 } }), slow, task()], { memoryMb: 1024, timeoutS: 3 }, (position, result) =>
        seen.push({ position, ok: result.ok, ...(result.ok ? {} : { code: result.error.code }) }),
      );
      assert.equal(answered, 3, 'the trial after the one stopped by its limit never ran');
      assert.deepEqual(seen, [
        { position: 0, ok: true },
        { position: 1, ok: false, code: 'INVALID_MODEL' },
        { position: 2, ok: false, code: 'LIMIT_EXCEEDED' },
      ]);
      assert.equal((await slot.run(task(), LIMITS)).ok, true, 'the next batch trains on a fresh process');
    } finally {
      await slot.close();
    }
  });

  it('reports a training process killed from outside as TRAINING_CRASHED', async () => {
    const slot = new TrainingSlot();
    try {
      const running = slot.run(task({ model: 'random_forest', params: { n_estimators: 3000, max_depth: null } }), LIMITS);
      // Wait for this slot's own training process (on a loaded machine it may take seconds to start;
      // other suites' training processes are not ours to kill).
      let killed = false;
      for (let waited = 0; !killed && waited < 30_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const pids = spawnSync('pgrep', ['-f', 'training-process.js'], { encoding: 'utf8' })
          .stdout.trim()
          .split('\n')
          .map(Number)
          .filter((p) => p > 0);
        for (const pid of pids) {
          if (!isChildOf(pid, process.pid)) continue;
          process.kill(pid, 'SIGSEGV');
          killed = true;
        }
      }
      assert.ok(killed, "the slot's training process was found");
      const result = await running;
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.error.code, 'TRAINING_CRASHED');
      assert.match(result.error.message, /SIGSEGV/);
    } finally {
      await slot.close();
    }
  });
});

/** True when `pid` descends from `ancestor` (the slot's child may sit under a prlimit exec of the same pid). */
function isChildOf(pid: number, ancestor: number): boolean {
  for (let current = pid, hops = 0; current > 1 && hops < 5; hops++) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${current}/stat`, 'utf8');
    } catch {
      return false; // exited meanwhile
    }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === ancestor) return true;
    current = parent;
  }
  return false;
}
