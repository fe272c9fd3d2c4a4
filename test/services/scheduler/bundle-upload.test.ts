/**
 * Program bundles uploaded over the HTTP API (bundle.routes.ts, issue 14) on a real SweepService and
 * Redis: the HTTP client (what `sweepq submit` uses against a remote scheduler) offers the manifest,
 * sends only the missing file contents, and a program sweep naming the bundle is accepted; a second
 * upload of the same folder sends nothing. Bad uploads are refused with 4xx and nothing stored: paths
 * leaving the bundle, duplicate paths, bytes that do not match their name, the write role.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/scheduler/app.js';
import { bundleKey, readLocalBundle } from '../../../shared/program/program-bundle.js';
import { HttpSweepClient } from '../../../shared/sweep/http-sweep-client.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { runCli } from '../../support/processes.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

const WRITE = 'write-token-bundle-upload-0123';
const PROGRAM = 'program-token-bundle-upload-0123';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('bundle upload over the HTTP API', () => {
  let setup: TestSetup;
  let service: SweepService;
  let app: FastifyInstance;
  let folder: string;
  /** `METHOD path` of every request the API received. */
  const requests: string[] = [];

  before(async () => {
    setup = await makeTestSetup('bundle-upload');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    app = buildApp({
      service,
      config: { ...setup.config, api: { ...setup.config.api, token: WRITE, programToken: PROGRAM, readCacheMs: 0 } },
      logger: setup.logger,
    });
    app.addHook('onRequest', async (request) => {
      requests.push(`${request.method} ${request.url}`);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    folder = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bundle-upload-'));
    await mkdir(path.join(folder, 'pkg'));
    await writeFile(path.join(folder, 'train.py'), 'print(\'{"metric": "val_loss", "value": 1}\')\n');
    await writeFile(path.join(folder, 'pkg', 'a.py'), 'same = 1\n');
    await writeFile(path.join(folder, 'pkg', 'b.py'), 'same = 1\n');
  });

  after(async () => {
    await app?.close();
    await service?.close();
    await setup?.cleanup();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  const client = () => {
    const address = app.server.address() as { port: number };
    return new HttpSweepClient({ baseUrl: `http://127.0.0.1:${address.port}`, token: PROGRAM });
  };

  it('uploads each distinct file content once, stores the bundle, and sends nothing the second time', async () => {
    const bundle = await readLocalBundle(folder);
    requests.length = 0;
    await client().uploadBundle(bundle);
    // Two files share one content: offer, 2 blobs, offer again.
    assert.deepEqual(
      requests.map((r) => r.replace(/[0-9a-f]{64}/, 'H')),
      ['POST /bundles', 'PUT /bundles/blobs/H', 'PUT /bundles/blobs/H', 'POST /bundles'],
    );
    assert.ok(await service.store.exists(bundleKey(bundle.sha256)));
    requests.length = 0;
    await client().uploadBundle(bundle);
    assert.deepEqual(requests, ['POST /bundles'], 'a stored bundle is not sent again');
    const submitted = await client().submit({
      name: 'remote-bundle',
      program: { command: ['python3', 'train.py'], bundle: { sha256: bundle.sha256 } },
      objective: { metric: 'val_loss', goal: 'minimize' },
      trials: [{ params: {} }],
    });
    assert.equal(submitted.total, 1);
  });

  it('`sweepq submit` of a sweep file with bundle: ./src sends the folder to a remote scheduler, then extends it with unchanged code', async () => {
    const address = app.server.address() as { port: number };
    await writeFile(
      path.join(folder, 'sweep.yaml'),
      [
        'name: cli-bundle',
        'program: {command: [python3, train.py], bundle: .}',
        'objective: {metric: val_loss, goal: minimize}',
        'trials: [{params: {}}]',
        '',
      ].join('\n'),
    );
    const env = { SWEEPQ_API_URL: `http://127.0.0.1:${address.port}`, SWEEPQ_API_TOKEN: PROGRAM, SWEEPQ_STATE_DIR: setup.stateDir };
    const submitted = await runCli(['submit', path.join(folder, 'sweep.yaml'), '--json'], env);
    assert.equal(submitted.code, 0, submitted.stderr);
    const { sweepId } = JSON.parse(submitted.stdout) as { sweepId: string };
    const bundle = await readLocalBundle(folder);
    assert.ok(await service.store.exists(bundleKey(bundle.sha256)), 'the folder (sweep file included) is stored as one bundle');
    const extended = await runCli(['extend', sweepId, path.join(folder, 'sweep.yaml'), '--json'], env);
    assert.equal(extended.code, 0, extended.stderr);
    assert.equal((JSON.parse(extended.stdout) as { total: number }).total, 2);
  });

  const offer = (manifest: unknown, token = PROGRAM) =>
    app.inject({
      method: 'POST',
      url: '/bundles',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ manifest: JSON.stringify(manifest) }),
    });
  const file = (p: string, content = 'x') => ({ path: p, sha256: sha(content), bytes: content.length, executable: false });

  const refusals: Array<{ what: string; manifest: unknown; status: number; message: RegExp }> = [
    {
      what: 'a path leaving the bundle',
      manifest: { format: 'sweepq.bundle', v: 1, files: [file('../../etc/cron.d/x')] },
      status: 400,
      message: /files\.0\.path: a bundle path must be relative and stay inside the bundle/,
    },
    { what: 'an absolute path', manifest: { format: 'sweepq.bundle', v: 1, files: [file('/etc/passwd')] }, status: 400, message: /must be relative/ },
    {
      what: 'the same path twice (case-folded)',
      manifest: { format: 'sweepq.bundle', v: 1, files: [file('a.py'), file('A.py', 'y')] },
      status: 400,
      message: /lists A\.py twice/,
    },
    {
      what: 'more bytes than a bundle may hold',
      manifest: { format: 'sweepq.bundle', v: 1, files: [{ ...file('big.bin'), bytes: 300 * 1024 * 1024 }] },
      status: 400,
      message: /more than 256 MiB/,
    },
    { what: 'not a manifest', manifest: { hello: 1 }, status: 400, message: /the bundle manifest at format/ },
  ];
  for (const r of refusals) {
    it(`refuses ${r.what} with a ${r.status}`, async () => {
      const res = await offer(r.manifest);
      assert.equal(res.statusCode, r.status, res.body);
      assert.match((JSON.parse(res.body) as { error: { message: string } }).error.message, r.message);
    });
  }

  it('refuses bytes that do not hash to their name, and stores nothing', async () => {
    const name = sha('expected');
    const res = await app.inject({
      method: 'PUT',
      url: `/bundles/blobs/${name}`,
      headers: { authorization: `Bearer ${PROGRAM}`, 'content-type': 'application/octet-stream' },
      payload: Buffer.from('something else'),
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.body, /hash to [0-9a-f]{64}, not to the blob name/);
    assert.equal(await service.store.exists(`bundles/blobs/${name}`), false);
    const bad = await app.inject({
      method: 'PUT',
      url: '/bundles/blobs/..%2F..%2Fx',
      headers: { authorization: `Bearer ${PROGRAM}`, 'content-type': 'application/octet-stream' },
      payload: Buffer.from('x'),
    });
    assert.equal(bad.statusCode, 400, bad.body);
  });

  it('needs the program role: code is what workers run', async () => {
    const res = await offer({ format: 'sweepq.bundle', v: 1, files: [file('a.py')] }, WRITE);
    assert.equal(res.statusCode, 403, res.body);
    assert.match(res.body, /program role/);
  });
});
