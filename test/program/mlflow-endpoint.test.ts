/**
 * The MLflow endpoint of one program-trial attempt (mlflow-endpoint.ts), over real HTTP: metrics
 * become reports, params and tags are kept, and everything outside the attempt's own run, its secret
 * path or the served calls is refused — and nothing is accepted once the attempt closed it. The real
 * MLflow client against it runs in test/faults/program-trials.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MlflowEndpoint } from '../../services/worker/program/mlflow-endpoint.js';
import { TrialReports } from '../../services/worker/program/trial-reports.js';

const RUN = 's-abcdef-t3';

async function started(): Promise<{ endpoint: MlflowEndpoint; reports: TrialReports }> {
  const reports = new TrialReports();
  const endpoint = await MlflowEndpoint.start({ runId: RUN, runName: 'trial-3', startedAt: 1, artifactDir: '/tmp/artifacts' }, reports);
  return { endpoint, reports };
}

async function call(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('MlflowEndpoint', () => {
  it('records log-metric and log-batch as reports, keeps params and tags, and shows them on runs/get', async () => {
    const { endpoint, reports } = await started();
    try {
      const uri = endpoint.trackingUri;
      assert.match(uri, /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
      assert.equal(
        (await call(uri, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: RUN, key: 'val_loss', value: 0.5, timestamp: 1, step: 0 })).status,
        200,
      );
      const batch = {
        run_id: RUN,
        metrics: [
          { key: 'val_loss', value: 0.25, timestamp: 2, step: 1 },
          { key: 'val_acc', value: 'NaN', timestamp: 2, step: 1 },
        ],
        params: [{ key: 'lr', value: '0.1' }],
        tags: [{ key: 'k', value: 'v' }],
      };
      assert.equal((await call(uri, 'POST', '/api/2.0/mlflow/runs/log-batch', batch)).status, 200);
      assert.deepEqual(reports.historiesJSON(), {
        val_loss: [
          [0, 0.5],
          [1, 0.25],
        ],
        val_acc: [[1, null]],
      });
      assert.deepEqual({ params: endpoint.params, tags: endpoint.tags }, { params: { lr: '0.1' }, tags: { k: 'v' } });
      const run = (await call(uri, 'GET', `/api/2.0/mlflow/runs/get?run_id=${RUN}`)).json.run as {
        info: { run_id: string; artifact_uri: string };
        data: { params: unknown };
      };
      assert.equal(run.info.run_id, RUN);
      assert.equal(run.info.artifact_uri, 'file:///tmp/artifacts');
      assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
    } finally {
      await endpoint.close();
    }
  });

  it('refuses other runs, paths without the secret and calls it does not serve, and everything once closed', async () => {
    const { endpoint, reports } = await started();
    const uri = endpoint.trackingUri;
    const other = await call(uri, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: 's-abcdef-t4', key: 'val_loss', value: 1, timestamp: 1, step: 0 });
    assert.equal(other.status, 403);
    assert.equal(other.json.error_code, 'PERMISSION_DENIED');
    const guessed = await call(uri.replace(/\/[0-9a-f]{32}$/, ''), 'GET', `/api/2.0/mlflow/runs/get?run_id=${RUN}`);
    assert.equal(guessed.status, 404);
    const unsupported = await call(uri, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    assert.equal(unsupported.status, 404);
    assert.equal(unsupported.json.error_code, 'ENDPOINT_NOT_FOUND');
    const badName = await call(uri, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: RUN, key: 'train/loss', value: 1, timestamp: 1, step: 0 });
    assert.equal(badName.status, 200, 'an unindexable name does not fail the script');
    assert.equal(reports.histories.size, 0);
    assert.equal(reports.invalid, 2);
    assert.match(reports.firstInvalid!, /runs\/create/);
    await endpoint.close();
    await assert.rejects(call(uri, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: RUN, key: 'val_loss', value: 1, timestamp: 1, step: 0 }));
  });
});
