/**
 * Route-level spec of the MLflow tracking API (mlflow.routes.ts) on a real SweepService and Redis:
 * MLflow's error shapes, unsupported endpoints, both prefixes, auth, and the write subset feeding the
 * same read model as `sweepq trials` (filters on logged params, metrics and tags, notes via sweepq's
 * tag route). The real MLflow client is exercised in test/interop/mlflow-client.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/scheduler/app.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

const TOKEN = 'test-token-mlflow-routes-0123';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('MLflow tracking routes', () => {
  let setup: TestSetup;
  let service: SweepService;
  let app: FastifyInstance;

  before(async () => {
    setup = await makeTestSetup('mlflow-routes');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    app = buildApp({ service, config: { ...setup.config, api: { ...setup.config.api, token: TOKEN, readCacheMs: 0 } }, logger: setup.logger });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await service?.close();
    await setup?.cleanup();
  });

  async function call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
    headers: Record<string, string> = auth,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await app.inject({
      method,
      url,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, json: res.body === '' ? {} : (JSON.parse(res.body) as Record<string, unknown>) };
  }

  const refusals: Array<{ what: string; method: 'GET' | 'POST'; url: string; body?: unknown; status: number; code: string }> = [
    {
      what: 'an endpoint sweepq lacks',
      method: 'POST',
      url: '/api/2.0/mlflow/registered-models/create',
      body: { name: 'm' },
      status: 404,
      code: 'ENDPOINT_NOT_FOUND',
    },
    { what: 'one under the UI prefix', method: 'GET', url: '/ajax-api/2.0/mlflow/model-versions/get?name=m', status: 404, code: 'ENDPOINT_NOT_FOUND' },
    {
      what: 'an unknown experiment name',
      method: 'GET',
      url: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope',
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    {
      what: 'an unknown experiment id',
      method: 'GET',
      url: '/api/2.0/mlflow/experiments/get?experiment_id=999999',
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    { what: 'an unknown run', method: 'GET', url: '/api/2.0/mlflow/runs/get?run_id=s-nope-t3', status: 404, code: 'RESOURCE_DOES_NOT_EXIST' },
    {
      what: 'a bad filter',
      method: 'POST',
      url: '/api/2.0/mlflow/runs/search',
      body: { experiment_ids: ['0'], filter: 'metrics.a >>> 1' },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      what: 'a forged page token',
      method: 'POST',
      url: '/api/2.0/mlflow/runs/search',
      body: { experiment_ids: ['0'], page_token: 'garbage' },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      what: 'a body of the wrong shape',
      method: 'POST',
      url: '/api/2.0/mlflow/runs/search',
      body: { experiment_ids: 'x' },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
  ];
  for (const r of refusals) {
    it(`answers ${r.status} ${r.code} in MLflow's shape for ${r.what}`, async () => {
      const res = await call(r.method, r.url, r.body);
      assert.equal(res.status, r.status);
      assert.equal(res.json.error_code, r.code);
      assert.equal(typeof res.json.message, 'string');
    });
  }

  it('refuses writes and artefact reads without a token', async () => {
    assert.equal((await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' }, {})).status, 401);
    assert.equal((await call('GET', '/api/2.0/mlflow-artifacts/artifacts?path=0/s-x-t0/artifacts', undefined, {})).status, 401);
  });

  it('logs a run through the write subset and answers it in runs/search, runs/get and the trial listing', async () => {
    const created = await call('POST', '/ajax-api/2.0/mlflow/experiments/create', { name: 'routes_exp' });
    assert.equal(created.status, 200);
    const experimentId = created.json.experiment_id as string;
    const byName = await call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=routes_exp');
    assert.equal((byName.json.experiment as { experiment_id: string }).experiment_id, experimentId);
    const searched = await call('POST', '/api/2.0/mlflow/experiments/search', { filter: "name LIKE 'routes%'" });
    assert.deepEqual(
      (searched.json.experiments as Array<{ name: string }>).map((e) => e.name),
      ['routes_exp'],
    );

    const run = await call('POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      run_name: 'first',
      start_time: 1000,
      tags: [{ key: 'team', value: 'a' }],
    });
    assert.equal(run.status, 200);
    const runId = (run.json.run as { info: { run_id: string } }).info.run_id;
    const batch = await call('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      params: [{ key: 'lr', value: '0.01' }],
      metrics: [
        { key: 'm', value: 2, timestamp: 5, step: 1 },
        { key: 'm', value: 3, timestamp: 4, step: 0 },
      ],
      tags: [{ key: 'stage', value: 'dev' }],
    });
    assert.equal(batch.status, 200);
    // MLflow keeps a param once: the same value again is fine, another is refused.
    assert.equal((await call('POST', '/api/2.0/mlflow/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' })).status, 200);
    const changed = await call('POST', '/api/2.0/mlflow/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
    assert.equal(changed.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.equal(
      (await call('POST', '/api/2.0/mlflow/runs/set-tag', { run_id: runId, key: 'sweepq.status', value: 'x' })).json.error_code,
      'INVALID_PARAMETER_VALUE',
    );
    const updated = await call('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: 9000 });
    assert.equal((updated.json.run_info as { status: string }).status, 'FINISHED');

    // A note and a tag through sweepq's own route show up as MLflow tags.
    const sweepId = runId.slice(0, runId.lastIndexOf('-t'));
    const tagged = await app.inject({
      method: 'POST',
      url: `/sweeps/${sweepId}/trials/${runId}/tags`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ set: { reviewed: 'yes' }, note: 'looks fine' }),
    });
    assert.equal(tagged.statusCode, 200, tagged.body);

    const found = await call('POST', '/api/2.0/mlflow/runs/search', {
      experiment_ids: [experimentId, '424242'],
      filter: "metrics.m = 2 AND (tags.stage = 'dev' OR tags.team = 'b') AND params.lr = 0.01 AND tags.reviewed = 'yes'",
    });
    const runs = found.json.runs as Array<{
      info: { run_id: string; status: string; end_time: number };
      data: { tags: Array<{ key: string; value: string }>; metrics: Array<{ key: string; value: number; step: number }> };
    }>;
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.info.run_id, runId);
    assert.equal(runs[0]!.info.end_time, 9000);
    // The latest value is the highest step's, not the last logged.
    assert.deepEqual(runs[0]!.data.metrics, [{ key: 'm', value: 2, timestamp: 5, step: 1 }]);
    const tags = Object.fromEntries(runs[0]!.data.tags.map((t) => [t.key, t.value]));
    assert.equal(tags['mlflow.note.content'], 'looks fine');
    assert.equal(tags['mlflow.runName'], 'first');
    const history = await call('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`);
    assert.deepEqual(history.json.metrics, [
      { key: 'm', value: 2, timestamp: 5, step: 1 },
      { key: 'm', value: 3, timestamp: 4, step: 0 },
    ]);

    const listed = await service.trials(sweepId, { filter: "tags.reviewed = 'yes'" });
    assert.equal(listed.total, 1);
    assert.deepEqual(listed.trials[0]!.metrics, { m: 2 });
    assert.equal(listed.trials[0]!.status, 'completed');
  });

  it('stores an uploaded artefact byte for byte, lists it, and refuses a malformed path', async () => {
    const run = await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const info = (run.json.run as { info: { run_id: string; experiment_id: string } }).info;
    const bytes = Buffer.from([0x7b, 0x22, 0xff, 0x00, 0x0a]); // not valid JSON nor UTF-8, sent as JSON
    const base = `/api/2.0/mlflow-artifacts/artifacts/${info.experiment_id}/${info.run_id}/artifacts`;
    const put = await app.inject({ method: 'PUT', url: `${base}/dir/blob.json`, headers: { ...auth, 'content-type': 'application/json' }, payload: bytes });
    assert.equal(put.statusCode, 200, put.body);
    const got = await app.inject({ method: 'GET', url: `${base}/dir/blob.json`, headers: auth });
    assert.deepEqual(got.rawPayload, bytes);
    const list = await call('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${info.experiment_id}/${info.run_id}/artifacts`);
    assert.deepEqual(list.json.files, [{ path: 'dir', is_dir: true }]);
    // (`..` segments never reach the route through inject: URL parsing resolves them first.)
    const bad = await app.inject({ method: 'PUT', url: `${base}/a//b`, headers: auth, payload: 'x' });
    assert.equal(bad.statusCode, 400);
    assert.equal((JSON.parse(bad.body) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');
  });
});
