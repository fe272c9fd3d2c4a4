/**
 * `sweepq ui` and `sweepq server` as users start them (issue 10, issue 7): the dashboard on the local
 * state folder prints a one-time login link that gives a browser a session, serves the app and lists
 * the folder's sweeps; the API server on Redis describes itself; both stop cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../support/processes.js';
import { testEnv } from '../../support/servers.js';

const CLI = path.resolve(process.cwd(), 'bin/sweepq.js');
const SWEEP = path.resolve(process.cwd(), 'sweeps/loan-default.yaml');

/** Starts `sweepq ARGS` and resolves with the process and its stderr once `pattern` appears there. */
async function started(args: string[], env: Record<string, string>, pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const found = pattern.exec(stderr);
      if (found !== null) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`sweepq ${args[0]} exited ${code} before it was ready: ${stderr}`)));
  });
  return { child, match };
}

async function stopped(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

describe('sweepq ui and sweepq server', () => {
  let stateDir: string;

  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-ui-command-'));
    const run = await runCli(['run', SWEEP], { SWEEPQ_STATE_DIR: stateDir, HOME: os.tmpdir() });
    assert.equal(run.code, 0, run.stderr);
  });
  after(() => rm(stateDir, { recursive: true, force: true }));

  it('sweepq ui: a one-time login link gives a write session that lists the folder’s sweeps; the link works once', async () => {
    const { child, match } = await started(['ui', '--port', '0'], { SWEEPQ_STATE_DIR: stateDir }, /sign in[^:]*: (http:\/\/\S+)/);
    try {
      const link = match[1]!;
      const base = new URL(link).origin;
      const who = async (cookie?: string): Promise<unknown> =>
        (await fetch(`${base}/auth/session`, { headers: cookie === undefined ? {} : { cookie } })).json();
      assert.deepEqual(await who(), { role: 'read', via: 'loopback' }, 'without the link: anonymous loopback reads only');
      const login = await fetch(link, { redirect: 'manual' });
      assert.equal(login.status, 303);
      assert.match(login.headers.get('location') ?? '', /\/ui\/$/);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      assert.match(cookie, /=/, 'a session cookie');
      assert.deepEqual(
        [(await who(cookie)) as { role: string; via: string }].map((w) => [w.role, w.via]),
        [['write', 'session']],
        'the link gave this browser a write session',
      );
      const app = await fetch(`${base}/ui/`, { headers: { cookie } });
      assert.equal(app.status, 200);
      assert.match(await app.text(), /<div id="root">|<script type="module"/);
      const sweeps = await fetch(`${base}/dashboard/sweeps`, { headers: { cookie } });
      assert.equal(sweeps.status, 200);
      assert.match(await sweeps.text(), /loan_default_predictor/);
      const again = await fetch(link, { redirect: 'manual' });
      assert.ok(again.status >= 400 && again.status < 500, `the link is spent (HTTP ${again.status})`);
    } finally {
      assert.equal(await stopped(child), 0, 'ui exits 0 on SIGTERM');
    }
  });

  it('sweepq server: the API on Redis answers its OpenAPI description and stops on SIGTERM', async () => {
    const redisUrl = testEnv().redisUrl;
    assert.ok(redisUrl, 'run through scripts/run-tests.mjs (TEST_REDIS_URL)');
    const { child, match } = await started(
      ['server', '--port', '0', '--host', '127.0.0.1'],
      { REDIS_URL: redisUrl, SWEEPQ_STATE_DIR: stateDir, SWEEPQ_PREFIX: `server-cmd-${process.pid}` },
      /listening on (http:\/\/\S+) /,
    );
    try {
      const openapi = await fetch(`${match[1]}/openapi.json`);
      assert.equal(openapi.status, 200);
      assert.match(((await openapi.json()) as { openapi: string }).openapi, /^3\./);
    } finally {
      assert.equal(await stopped(child), 0, 'server exits 0 on SIGTERM');
    }
  });
});
