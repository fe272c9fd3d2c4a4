/**
 * The dashboard's chart answers on a sweep past every large-sweep threshold (5,200 trials: history
 * buckets past 4,000, a 3,000-line sample, timeline buckets past 5,000), whose results went through the
 * real commit path (feeder-created trials, claim + fenced commit Lua, three workers), read through the
 * scheduler's routes and checked against the same trials as the API lists them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { completeSweep, EIGHT_PARAM_SPACE } from '../../../bench/support/complete-sweep.js';
import { buildApp } from '../../../services/scheduler/app.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

const READ_TOKEN = 'large-sweep-read-token-0123456789';
const TRIALS = 5200;
const LANES = 3;

interface Trial {
  index: number;
  worker: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  metrics: Record<string, number> | null;
}

describe('dashboard charts on a 5,200-trial sweep through the commit path', () => {
  let setup: TestSetup;
  let service: SweepService;
  let app: FastifyInstance;
  let sweepId: string;
  let trials: Trial[];

  const get = async <T>(url: string): Promise<T> => {
    const response = await app.inject({ url, headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    return response.json<T>();
  };

  before(async () => {
    setup = await makeTestSetup('large-sweep', { env: { SWEEPQ_API_READ_TOKEN: READ_TOKEN, SWEEPQ_API_CACHE_MS: '0' } });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    const submitted = await service.submit({
      name: 'large_sweep',
      dataset: { make_classification: { n_samples: 100, n_features: 4, n_informative: 2, n_redundant: 1 } },
      cv: { folds: 2 },
      objective: { metric: 'auc_roc' },
      search: { method: 'random', max_trials: TRIALS, seed: 3, space: EIGHT_PARAM_SPACE },
    });
    sweepId = submitted.sweepId;
    // Objectives with ties (3 decimals) so orderings by value and by index both matter.
    await completeSweep(service, sweepId, TRIALS, {
      lanes: LANES,
      simulate: (_index, h) => {
        const auc = Math.round((0.5 + 0.45 * ((h * 9973) % 1)) * 1000) / 1000;
        return { metrics: { auc_roc: auc, accuracy: auc - 0.05 }, folds: [auc, auc], durationMs: 5 + 20 * h };
      },
    });
    app = buildApp({ service, config: setup.config, logger: setup.logger, dashboard: { service } });
    await app.ready();
    trials = [];
    for (let offset = 0; offset < TRIALS; offset += 1000) {
      const page = await get<{ trials: Trial[] }>(
        `/sweeps/${sweepId}/trials?limit=1000&offset=${offset}&order_by=${encodeURIComponent('attributes.index ASC')}`,
      );
      trials.push(...page.trials);
    }
    assert.equal(trials.length, TRIALS);
  });

  after(async () => {
    await app?.close();
    await service?.close();
    await setup?.cleanup();
  });

  const auc = (t: Trial): number => t.metrics!.auc_roc!;

  it('history: min/max buckets of 3 trials in completion order, the exact best so far at every point', async () => {
    const history = await get<{ total: number; drawn: number; bucketSize: number; x: number[]; y: number[]; index: number[]; best: number[] }>(
      `/sweeps/${sweepId}/charts/history`,
    );
    assert.equal(history.total, TRIALS);
    assert.equal(history.bucketSize, 3);
    assert.ok(history.drawn <= 4000 && history.drawn >= Math.ceil(TRIALS / 3));
    // Completion order by brute force: finish time, ties by index.
    const order = [...trials].sort((a, b) => a.finishedAt! - b.finishedAt! || a.index - b.index);
    const bestAtRank: number[] = [];
    for (const t of order) bestAtRank.push(Math.max(auc(t), bestAtRank.at(-1) ?? Number.NEGATIVE_INFINITY));
    const buckets = new Set<number>();
    for (let i = 0; i < history.drawn; i++) {
      const rank = history.x[i]! - 1;
      const bucket = Math.floor(rank / 3);
      buckets.add(bucket);
      assert.equal(history.index[i], order[rank]!.index, `point ${i}: the trial at completion rank ${rank + 1}`);
      assert.equal(history.y[i], auc(order[rank]!));
      const members = order.slice(bucket * 3, bucket * 3 + 3).map(auc);
      assert.ok(history.y[i] === Math.min(...members) || history.y[i] === Math.max(...members), `point ${i} is its bucket's min or max`);
      assert.equal(history.best[i], bestAtRank[rank]);
    }
    assert.equal(buckets.size, Math.ceil(TRIALS / 3), 'every bucket drawn: all trials stand behind the line');
    assert.equal(history.best.at(-1), Math.max(...trials.map(auc)));
  });

  it('sample: 3,000 lines in index order, with the best 300 trials (ties by index)', async () => {
    const sample = await get<{ total: number; drawn: number; index: number[]; objective: number[] }>(`/sweeps/${sweepId}/charts/sample`);
    assert.equal(sample.total, TRIALS);
    assert.equal(sample.drawn, 3000);
    for (let i = 1; i < sample.index.length; i++) assert.ok(sample.index[i]! > sample.index[i - 1]!);
    const drawn = new Set(sample.index);
    const best = [...trials].sort((a, b) => auc(b) - auc(a) || a.index - b.index).slice(0, 300);
    for (const t of best) assert.ok(drawn.has(t.index), `best trial ${t.index} (${auc(t)}) is drawn`);
    sample.index.forEach((index, k) => assert.equal(sample.objective[k], auc(trials[index]!)));
    assert.deepEqual(await get(`/sweeps/${sweepId}/charts/sample`), sample, 'the same answer again');
  });

  it('timeline: busy fractions per worker lane whose busy time adds up to the trials’ own', async () => {
    const timeline = await get<{ mode: string; workers: string[]; total: number; start: number; bucketMs: number; buckets: number; busy: number[][] }>(
      `/sweeps/${sweepId}/charts/timeline`,
    );
    assert.equal(timeline.mode, 'buckets');
    assert.equal(timeline.total, TRIALS);
    assert.deepEqual([...timeline.workers].sort(), [...new Set(trials.map((t) => t.worker!))].sort());
    assert.equal(timeline.workers.length, LANES);
    for (let lane = 0; lane < LANES; lane++) {
      let trialMs = 0;
      let count = 0;
      for (const t of trials) {
        if (t.worker !== timeline.workers[lane]) continue;
        trialMs += t.finishedAt! - t.startedAt!;
        count++;
      }
      const busyMs = timeline.busy[lane]!.reduce((sum, b) => sum + b * timeline.bucketMs, 0);
      // Bucket edges are epoch milliseconds (~1.8e12, a float step of 2.4e-4 ms): each trial may gain or
      // lose a few such steps where it crosses an edge, far below what a chart shows.
      assert.ok(Math.abs(busyMs - trialMs) <= 0.005 * count, `lane ${timeline.workers[lane]}: ${busyMs} ms busy vs ${trialMs} ms of ${count} trials`);
      assert.ok(trialMs > 0);
    }
  });
});
