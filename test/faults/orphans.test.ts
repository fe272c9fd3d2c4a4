/**
 * `sweepq run` leaves no orphans (issue 8, finding 4). Before: workers and the embedded Redis ran
 * detached and only SIGINT/SIGTERM were handled, so closing the terminal (SIGHUP) or kill -9 of the
 * CLI left N workers and a redis-server running the old sweep, and a second `sweepq run` in the same
 * folder killed the first one's Redis. Now: SIGHUP is an interruption like Ctrl-C; the workers hold an
 * IPC channel to the CLI and stop when it closes; Redis has a parent-death signal; the folder is
 * locked by its run (a second run refuses, read commands attach); and leftovers of a run that died are
 * cancelled by the next one, not resumed silently.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { CLI_BIN, forestSweepSpec, pidAlive, pidsOfStateDir, waitFor } from './fault-harness.js';

interface RunningCli {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  sweepId: Promise<string>;
}

describe('sweepq run leaves no orphans', () => {
  let setup: TestSetup;
  let file: string;
  /** A quick sweep for runs that only need to start and finish (the leftovers check). */
  let quickFile: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    setup = await makeTestSetup('orphans');
    file = path.join(setup.stateDir, 'sweep.json');
    await writeFile(file, JSON.stringify(forestSweepSpec({ name: 'orphans', trials: 6, nEstimators: 400 })));
    quickFile = path.join(setup.stateDir, 'quick.json');
    await writeFile(quickFile, JSON.stringify(forestSweepSpec({ name: 'orphans-next', trials: 2, nEstimators: 10 })));
    // Embedded mode: the CLI owns a state folder of its own (no REDIS_URL).
    env = { PATH: process.env.PATH, HOME: process.env.HOME, SWEEPQ_STATE_DIR: path.join(setup.stateDir, 'folder'), LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  });
  after(async () => {
    for (const pid of pidsOfStateDir(env.SWEEPQ_STATE_DIR!)) process.kill(pid, 'SIGKILL');
    await setup.cleanup();
  });

  function startRun(): RunningCli {
    const child = spawn(process.execPath, [CLI_BIN, 'run', file, '--workers', '2'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout?.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const sweepId = waitFor('the sweep to be submitted', () => /sweep (s-[a-z0-9]+) /.exec(stderr)?.[1], 60_000);
    return { child, stderr: () => stderr, exited, sweepId };
  }

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI_BIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
      );
    });
  }

  async function waitTraining(run: RunningCli): Promise<void> {
    const id = await run.sweepId;
    await waitFor(
      'trials to train',
      async () => {
        const status = await cli(['status', id, '--json']);
        return status.code === 0 && (JSON.parse(status.stdout) as { counts: { active: number } }).counts.active > 0;
      },
      60_000,
      200,
    );
  }

  it('refuses a second run on the folder while read commands attach', async () => {
    const first = startRun();
    try {
      await waitTraining(first);
      const second = await cli(['run', file, '--workers', '1']);
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, /in use by another `sweepq run` \(pid \d+\)/);
      assert.equal(pidAlive(first.child.pid!), true, 'the first run is untouched');
      const list = await cli(['sweeps', '--json']);
      assert.equal(list.code, 0, list.stderr);
    } finally {
      process.kill(-first.child.pid!, 'SIGINT');
      await first.exited;
    }
    await waitFor('nothing left running', () => pidsOfStateDir(env.SWEEPQ_STATE_DIR!).length === 0, 20_000);
  });

  it('cleans up on SIGHUP (terminal closed) like on Ctrl-C', async () => {
    const run = startRun();
    await waitTraining(run);
    process.kill(run.child.pid!, 'SIGHUP');
    const exit = await run.exited;
    assert.equal(exit.code, 129, run.stderr());
    assert.match(run.stderr(), /terminal closed/);
    await waitFor('workers and Redis to be gone', () => pidsOfStateDir(env.SWEEPQ_STATE_DIR!).length === 0, 20_000);
  });

  it('takes workers and Redis down with a CLI killed -9, and the next run cancels its leftovers', async () => {
    const run = startRun();
    const sweepId = await run.sweepId;
    await waitTraining(run);
    const before = pidsOfStateDir(env.SWEEPQ_STATE_DIR!).filter((pid) => pid !== run.child.pid);
    assert.ok(before.length >= 3, `workers and redis-server running: ${before.join(', ')}`);
    process.kill(run.child.pid!, 'SIGKILL');
    await run.exited;
    // Which process stayed is the diagnosis: the timeout names each survivor by its command line.
    const survivors = (): string =>
      before
        .filter(pidAlive)
        .map((pid) => `${pid}: ${commandLine(pid)}`)
        .join('; ');
    await waitFor(
      () => `the workers and redis-server to follow; still running: ${survivors()}`,
      () => before.every((pid) => !pidAlive(pid)),
      30_000,
    );

    // The next run is a quick sweep: what is checked is that it cancels the dead run's leftovers (a
    // 6 × 400-tree sweep on one worker outlasted the CLI helper's 60 s timeout under load).
    const next = await cli(['run', quickFile, '--workers', '1', '--json']);
    assert.equal(next.code, 0, `${next.stderr}\n${next.stdout.slice(0, 2000)}`);
    assert.match(next.stderr, new RegExp(`cancelled sweep ${sweepId} .*left unfinished by a run that died`));
    const status = await cli(['status', sweepId, '--json']);
    assert.equal((JSON.parse(status.stdout) as { state: string }).state, 'cancelled');
  });
});

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '(gone)';
  }
}
