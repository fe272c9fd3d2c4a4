/**
 * A worker's first training process, started by its launcher before the worker's bundle loads
 * (early-training-process.ts): the first TrainingSlot adopts it only when it runs the command line the
 * slot would have started — so it trains under the same memory limit (RLIMIT_AS) and is niced the
 * same — and kills it otherwise.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adoptEarlyTrainingProcess, earlyTrainingMemoryMb, startEarlyTrainingProcess } from '../../../services/worker/early-training-process.js';
import { TrainingSlot } from '../../../services/worker/training-slot.js';
import { DEFAULT_TRIAL_MEMORY_MB } from '../../../shared/config/default-trial-memory.js';
import { datasetToCsv } from '../../../shared/ml/dataset/write-csv.js';
import { makeClassification } from '../../../shared/ml/dataset/make-classification.js';
import { processEntryFile } from '../../../shared/runtime/process-entry.js';
import { OVER_MEMORY_LIMITS, OVER_MEMORY_MODEL, trainingTask, type TaskWithoutSlotFields } from '../../support/training-task.js';

const PROCESS_FILE = processEntryFile('training-process');
let dir: string;
let trainPath: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-early-training-'));
  trainPath = path.join(dir, 'train.csv');
  await writeFile(trainPath, datasetToCsv(makeClassification({ n_samples: 2000, n_features: 20, n_informative: 10, random_state: 1 }), 'target'));
});
after(async () => {
  // A test that failed before its slot adopted the process leaves it here: never leave it running.
  adoptEarlyTrainingProcess([])?.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function task(overrides: Partial<TaskWithoutSlotFields> = {}): TaskWithoutSlotFields {
  return trainingTask(trainPath, 'b'.repeat(64), { cv: { folds: 0, scoring: 'accuracy', shuffle: false }, ...overrides });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves when the training process says it is ready (another listener: the slot still gets the message). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if ((message as { ready?: unknown } | null)?.ready !== true) return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
  });
}

/** A process's soft RLIMIT_AS in bytes, from /proc (null when unlimited). */
function addressSpaceLimit(pid: number): number | null {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max address space'));
  const soft = line?.trim().split(/\s+/)[3];
  return soft === undefined || soft === 'unlimited' ? null : Number(soft);
}

/** A process's niceness, from /proc/<pid>/stat (field 19). */
function niceness(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('earlyTrainingMemoryMb', () => {
  const cases: Array<[string | undefined, number | undefined]> = [
    [undefined, DEFAULT_TRIAL_MEMORY_MB],
    ['512', 512],
    [' 512', undefined],
    ['1e3', undefined],
    ['', undefined],
  ];
  for (const [setting, expected] of cases) {
    it(`reads SWEEPQ_TRIAL_MEMORY_MB=${JSON.stringify(setting)} as ${String(expected)}`, () => {
      assert.equal(earlyTrainingMemoryMb(setting === undefined ? {} : { SWEEPQ_TRIAL_MEMORY_MB: setting }), expected);
    });
  }
});

describe('an early training process adopted by TrainingSlot', () => {
  it(
    'trains under the memory limit the slot gives: RLIMIT_AS set, a trial beyond it fails as LIMIT_EXCEEDED',
    { skip: !TrainingSlot.enforcesMemory && 'prlimit is not available' },
    async () => {
      const early = startEarlyTrainingProcess(PROCESS_FILE, { SWEEPQ_TRIAL_MEMORY_MB: '64' });
      assert.ok(early?.pid !== undefined, 'the early process started');
      const slot = new TrainingSlot();
      try {
        // Once node runs (setpriv and prlimit exec'd into it), the limit is in place.
        await ready(early);
        assert.equal(addressSpaceLimit(early.pid), (64 + 1024) * 1024 * 1024, 'prlimit capped its address space for a 64 MB budget');
        const result = await slot.run(task(OVER_MEMORY_MODEL), OVER_MEMORY_LIMITS);
        assert.equal(result.ok, false);
        if (result.ok) return;
        assert.equal(result.error.code, 'LIMIT_EXCEEDED', result.error.message);
        // A process of another command line would have been killed at adoption (SIGKILL) and replaced.
        assert.notEqual(early.signalCode, 'SIGKILL', 'the adopted process itself met the limit');
      } finally {
        await slot.close();
        early.kill('SIGKILL');
      }
    },
  );

  it('is the process the slot trains on, niced once ready, and stopped with the slot', async () => {
    const early = startEarlyTrainingProcess(PROCESS_FILE, { SWEEPQ_TRIAL_MEMORY_MB: '512' });
    assert.ok(early?.pid !== undefined, 'the early process started');
    const slot = new TrainingSlot();
    try {
      // Ready before the slot asks for it: its `ready` message waited for the slot.
      await ready(early);
      const result = await slot.run(task(), { memoryMb: 512, timeoutS: 60 });
      assert.equal(result.ok, true, result.ok ? '' : result.error.message);
      assert.equal(early.exitCode, null, 'the slot trained on the adopted process');
      assert.equal(niceness(early.pid), 10, 'niced like a process the slot started');
    } finally {
      await slot.close();
    }
    await exited(early);
  });

  it('is killed when the slot needs another memory budget, and the slot starts its own', async () => {
    const early = startEarlyTrainingProcess(PROCESS_FILE, { SWEEPQ_TRIAL_MEMORY_MB: '512' });
    assert.ok(early !== undefined, 'the early process started');
    const slot = new TrainingSlot();
    try {
      const result = await slot.run(task(), { memoryMb: 1024, timeoutS: 60 });
      assert.equal(result.ok, true, result.ok ? '' : result.error.message);
      await exited(early);
      assert.equal(early.signalCode, 'SIGKILL', 'the early process of the other budget was killed');
    } finally {
      await slot.close();
    }
  });
});
