/**
 * The queue view (services/scheduler/queue-board.ts, issue 10): bull-board at /admin/queues is
 * read-only. Its job and queue actions would move BullMQ jobs behind the fenced index's back and strand
 * trials, so every mutating route of bull-board's API is refused — to a write token and to a write
 * session with valid CSRF checks alike — and the queue is unchanged afterwards. Real Redis, real app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/scheduler/app.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

const WRITE_TOKEN = 'queue-board-write-token-0123456789';
const READ_TOKEN = 'queue-board-read-token-0123456789';
/** A trial job of no sweep, delayed an hour: nothing processes it, the board's actions would move it. */
const PROBE = { v: 1 as const, sweepId: 's-boardprobe01', trialId: 's-boardprobe01-t0', index: 0 };

/** Every route of bull-board 9's API that changes something (its routes.ts), with a body where it takes one. */
function mutatingRoutes(queue: string, jobId: string): Array<{ method: 'PUT' | 'POST' | 'PATCH'; path: string; body?: unknown }> {
  return [
    { method: 'PUT', path: '/api/queues/pause' },
    { method: 'PUT', path: '/api/queues/resume' },
    { method: 'POST', path: `/api/queues/${queue}/add`, body: { name: 'injected', data: {} } },
    { method: 'PUT', path: `/api/queues/${queue}/retry/failed` },
    { method: 'PUT', path: `/api/queues/${queue}/promote` },
    { method: 'PUT', path: `/api/queues/${queue}/clean/delayed` },
    { method: 'PUT', path: `/api/queues/${queue}/pause` },
    { method: 'PUT', path: `/api/queues/${queue}/resume` },
    { method: 'PUT', path: `/api/queues/${queue}/concurrency`, body: { concurrency: 1 } },
    { method: 'PUT', path: `/api/queues/${queue}/empty` },
    { method: 'PUT', path: `/api/queues/${queue}/obliterate` },
    { method: 'PUT', path: `/api/queues/${queue}/${jobId}/retry` },
    { method: 'PUT', path: `/api/queues/${queue}/${jobId}/clean` },
    { method: 'PUT', path: `/api/queues/${queue}/${jobId}/promote` },
    { method: 'PATCH', path: `/api/queues/${queue}/${jobId}/update-data`, body: { jobData: { x: 1 } } },
    { method: 'PATCH', path: `/api/queues/${queue}/${jobId}/delay`, body: { delay: 1 } },
    { method: 'PATCH', path: `/api/queues/${queue}/${jobId}/priority`, body: { priority: 1 } },
  ];
}

describe('queue board (/admin/queues)', () => {
  let setup: TestSetup;
  let service: SweepService;
  let app: FastifyInstance;
  let url: string;
  let jobId: string;

  before(async () => {
    setup = await makeTestSetup('queue-board', { env: { SWEEPQ_API_TOKEN: WRITE_TOKEN, SWEEPQ_API_READ_TOKEN: READ_TOKEN } });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    app = buildApp({ service, config: setup.config, logger: setup.logger, dashboard: { service } });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    // A delayed job: what promote, clean, retry or a delay change would move.
    const job = await service.jobQueue.add('trial', PROBE, { delay: 3_600_000, jobId: 'board-probe' });
    jobId = job.id!;
  });

  after(async () => {
    await app?.close();
    await service?.close();
    await setup?.cleanup();
  });

  /** The queue as bull-board lists it (name, paused, counts), read with the read token. */
  async function boardState(): Promise<{ name: string; isPaused: boolean; counts: Record<string, number> }> {
    const response = await fetch(`${url}/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { queues: Array<{ name: string; isPaused: boolean; counts: Record<string, number>; readOnlyMode: boolean }> };
    assert.equal(body.queues.length, 1);
    assert.equal(body.queues[0]!.readOnlyMode, true, 'bull-board shows the queue as read-only (no action buttons)');
    return body.queues[0]!;
  }

  it('lists the trial queue to a read token, and nothing without a credential even on loopback', async () => {
    assert.equal((await fetch(`${url}/admin/queues/api/queues`)).status, 401);
    const state = await boardState();
    assert.equal(state.name, service.jobQueue.name);
    assert.equal(state.counts.delayed, 1);
  });

  for (const via of ['bearer', 'session'] as const) {
    it(`refuses every mutating route (403, saying why) to a write ${via === 'bearer' ? 'token' : 'session with valid CSRF checks'}, and the queue stays as it was`, async () => {
      const before = await boardState();
      let headers: Record<string, string> = { authorization: `Bearer ${WRITE_TOKEN}` };
      if (via === 'session') {
        const opened = await fetch(`${url}/auth/session`, { method: 'POST', headers });
        assert.equal(opened.status, 201);
        const { csrfToken } = (await opened.json()) as { csrfToken: string };
        const cookie = opened.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
        // Everything a legitimate page's button would send: the cookie, the same Origin, the CSRF token.
        headers = { cookie, origin: url, 'x-csrf-token': csrfToken };
      }
      for (const route of mutatingRoutes(encodeURIComponent(before.name), jobId)) {
        const response = await fetch(`${url}/admin/queues${route.path}`, {
          method: route.method,
          headers: route.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
        });
        const body = (await response.json()) as { error?: { code: string; message: string } };
        assert.equal(response.status, 403, `${route.method} ${route.path}: ${response.status} ${JSON.stringify(body)}`);
        assert.equal(body.error?.code, 'FORBIDDEN');
        assert.match(body.error.message, /queue board is read-only.*sweepq retry/);
      }
      const afterwards = await boardState();
      assert.equal(afterwards.isPaused, false, 'the queue was not paused');
      assert.deepEqual(afterwards.counts, before.counts, 'no job was added, moved or removed');
      const job = await service.jobQueue.getJob(jobId);
      assert.equal(await job?.getState(), 'delayed');
      assert.deepEqual(job?.data, PROBE);
    });
  }
});
