import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHEAP_STEP_MAX_COST, formTrialBlocks, MIN_JOBS_PER_STEP } from '../../shared/sweep/trial-block-planner.js';

interface Candidate {
  index: number;
  retries: number;
  model: string;
  params: Record<string, unknown>;
}

function candidates(n: number, retries: (i: number) => number = () => 0): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) out.push({ index: i, retries: retries(i), model: 'logistic_regression', params: {} });
  return out;
}

function costs(n: number, of: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = of(i);
  return out;
}

const sizes = (blocks: Candidate[][]): number[] => blocks.map((b) => b.length);

describe('formTrialBlocks', () => {
  it('fills blocks up to the trial limit, in enqueue order', () => {
    const { blocks, singles } = formTrialBlocks(
      candidates(250),
      costs(250, () => 5),
      { maxTrials: 32, maxCost: 1000 },
    );
    // 250 eligible trials costing more than one block may → blocks of at most 250 / 8 = 31.
    assert.deepEqual(sizes(blocks), [31, 31, 31, 31, 31, 31, 31, 31, 2]);
    assert.deepEqual(singles, []);
    assert.deepEqual(
      blocks.flat().map((t) => t.index),
      candidates(250).map((t) => t.index),
    );
  });

  it('spreads a step whose trials together cost at most one block over two jobs, not eight', () => {
    const cheap = costs(250, () => 1);
    assert.deepEqual(sizes(formTrialBlocks(candidates(250), cheap, { maxTrials: 128, maxCost: 1000 }).blocks), [125, 125]);
    // Still no more than the trial limit per block.
    assert.deepEqual(sizes(formTrialBlocks(candidates(250), cheap, { maxTrials: 32, maxCost: 1000 }).blocks), [32, 32, 32, 32, 32, 32, 32, 26]);
    // One trial's cost more, and the step is no longer cheap: eight jobs at least.
    const dearer = costs(250, (i) => (i === 0 ? 752 : 1));
    assert.deepEqual(sizes(formTrialBlocks(candidates(250), dearer, { maxTrials: 128, maxCost: 1000 }).blocks), [31, 31, 31, 31, 31, 31, 31, 31, 2]);
    // The step that ends the sweep keeps the eight-job spread: its blocks decide when the workers finish.
    assert.deepEqual(sizes(formTrialBlocks(candidates(250), cheap, { maxTrials: 128, maxCost: 1000 }, true).blocks), [31, 31, 31, 31, 31, 31, 31, 31, 2]);
    // A large block budget does not make a step cheap: past CHEAP_STEP_MAX_COST it spreads over eight jobs.
    const costly = costs(250, () => (CHEAP_STEP_MAX_COST + 1) / 250);
    assert.deepEqual(sizes(formTrialBlocks(candidates(250), costly, { maxTrials: 128, maxCost: 1e12 }).blocks), [31, 31, 31, 31, 31, 31, 31, 31, 2]);
  });

  it('closes a block when its summed cost would pass the budget', () => {
    const { blocks } = formTrialBlocks(
      candidates(64),
      costs(64, () => 30),
      { maxTrials: 32, maxCost: 100 },
    );
    assert.ok(blocks.every((b) => b.length === 3));
  });

  it('leaves costly, retried and lone trials to jobs of their own', () => {
    // 39 trials: one too costly, one retried, 37 eligible = 9 blocks of 4 and one left alone.
    const trials = candidates(39, (i) => (i === 5 ? 1 : 0));
    const { blocks, singles } = formTrialBlocks(
      trials,
      costs(39, (i) => (i === 0 ? 1e9 : 1)),
      { maxTrials: 4, maxCost: 100 },
    );
    assert.deepEqual(
      singles.map((t) => t.index),
      [0, 5, 38],
    );
    assert.deepEqual(sizes(blocks), [4, 4, 4, 4, 4, 4, 4, 4, 4]);
  });

  it('forms no blocks when a step is too small to spread over several jobs (an adaptive window)', () => {
    const { blocks, singles } = formTrialBlocks(
      candidates(2 * MIN_JOBS_PER_STEP - 1),
      costs(2 * MIN_JOBS_PER_STEP - 1, () => 1),
      { maxTrials: 32, maxCost: 100 },
    );
    assert.deepEqual(blocks, []);
    assert.equal(singles.length, 2 * MIN_JOBS_PER_STEP - 1);
  });
});
