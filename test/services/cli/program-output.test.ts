/**
 * A program trial's output where a CLI user looks (issue 14 item 2): `sweepq status` quotes the first
 * failed program trials with the last lines of their stderr, and `sweepq trial` prints a trial's exit,
 * reported history and output tails. Real Redis, a real worker running a node program, the built CLI.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderFailedProgramTrials } from '../../../services/cli/format/program-output.js';
import { startWorker, type RunningWorker } from '../../../services/worker/worker-runtime.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { runCli } from '../../support/processes.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';
import { waitForSweep } from '../../support/wait-for-sweep.js';

/** `ok` reports a short history; `fail` writes 8 numbered stderr lines (one with a terminal escape) and exits 2. */
const PROGRAM = `
const mode = process.argv[3];
if (mode === 'ok') {
  for (let step = 0; step < 3; step++) console.log(JSON.stringify({ metric: 'val_loss', value: 1 / (step + 1), step }));
  console.log('trained');
} else {
  for (let line = 1; line <= 8; line++) console.error('stderr line ' + line + (line === 8 ? ' \\x1b[31mred\\x1b[0m' : ''));
  process.exit(2);
}
`;

describe('sweepq status and sweepq trial on program trials', () => {
  let setup: TestSetup;
  let service: SweepService;
  let worker: RunningWorker;
  let dir: string;
  let sweepId: string;

  before(async () => {
    setup = await makeTestSetup('cli-program');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 2, programs: { allow: null } });
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-cli-program-'));
    await writeFile(path.join(dir, 'prog.js'), PROGRAM);
    const submitted = await service.submit({
      name: 'cli_program',
      program: { command: [process.execPath, 'prog.js', '--mode', '${params.mode}'], workdir: dir, timeout_s: 60 },
      objective: { metric: 'val_loss', goal: 'minimize' },
      trials: ['ok', 'fail', 'fail', 'fail', 'fail'].map((mode) => ({ params: { mode } })),
    });
    sweepId = submitted.sweepId;
    await waitForSweep(service, sweepId, 60_000);
  });
  after(async () => {
    await worker?.close(1000);
    await service?.close();
    await setup?.cleanup();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('status quotes the first 3 failed trials with their last 5 stderr lines, escapes made harmless, and says how to see more', async () => {
    const result = await runCli(['status', sweepId], setup.env);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /^failed {4}4 program trials, the first 3:$/m);
    for (const index of [1, 2, 3]) assert.match(out, new RegExp(`^  ${sweepId}-t${index}  PROGRAM_FAILED: the program exited with code 2$`, 'm'));
    assert.doesNotMatch(out, new RegExp(`^  ${sweepId}-t4 `, 'm'), 'only the first 3 failed trials are quoted');
    const quoted = out.split('\n').filter((line) => line.startsWith('    | '));
    assert.equal(quoted.length, 15, '5 lines for each of 3 trials');
    assert.deepEqual(quoted.slice(0, 5), [
      '    | stderr line 4',
      '    | stderr line 5',
      '    | stderr line 6',
      '    | stderr line 7',
      '    | stderr line 8 ?[31mred?[0m',
    ]);
    assert.ok(!out.includes('\x1b'), 'no terminal escape reaches the terminal');
    assert.match(out, new RegExp(`more: sweepq trial ${sweepId}-t1 .* sweepq trials ${sweepId} --status failed`));
  });

  it('status --json keeps its shape (no quoted failures added)', async () => {
    const result = await runCli(['status', sweepId, '--json'], setup.env);
    assert.equal(result.code, 0, result.stderr);
    const status = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 1, failed: 4, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.equal(Object.hasOwn(status, 'failed'), false);
  });

  it("trial prints a completed program trial's exit, reported history and output tails", async () => {
    const result = await runCli(['trial', `${sweepId}-t0`], setup.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^exit {6}code 0$/m);
    assert.match(result.stdout, /^ {2}val_loss: 3 reports, last 0\.3333 at step 2$/m);
    assert.match(result.stdout, /^stderr {4}\(empty\)$/m);
    assert.match(result.stdout, /^stdout \(last lines\)\n(?: {4}\| .*\n){3} {4}\| trained$/m);
  });

  it("trial prints a failed program trial's reason and stderr; a bad id exits 2", async () => {
    const failed = await runCli(['trial', `${sweepId}-t4`], setup.env);
    assert.equal(failed.code, 0, failed.stderr);
    assert.match(failed.stdout, /^exit {6}code 2$/m, "the run record's exit code");
    assert.match(failed.stdout, /^ended {5}exit: exited with a non-zero code$/m);
    assert.match(failed.stdout, /^failure {3}PROGRAM_FAILED: the program exited with code 2$/m);
    assert.match(failed.stdout, /^stdout {4}\(empty\)$/m, 'a failed run keeps its stdout tail too');
    assert.match(failed.stdout, /^stderr \(last lines\)\n {4}\| stderr line 1\n[\s\S]* {4}\| stderr line 8 \?\[31mred\?\[0m$/m);
    const bad = await runCli(['trial', 'not-a-trial'], setup.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a trial id: "not-a-trial"/);
    const missing = await runCli(['trial', `${sweepId}-t99`], setup.env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /trial .*-t99 does not exist/);
  });
});

describe('sweepq status on a program trial failed under an older version (no run record)', () => {
  it('prints the first line of its error as the reason and the lines the error quoted as the tail', () => {
    const sweepId = 's-abc123def';
    const trial: TrialRecord = {
      id: `${sweepId}-t2`,
      sweepId,
      index: 2,
      name: 'program(mode=fail)',
      model: 'program',
      entry: 0,
      status: 'failed',
      params: { mode: 'fail' },
      seed: 1,
      metrics: null,
      folds: null,
      timings: null,
      durationMs: null,
      artifact: null,
      attempt: 1,
      retries: 0,
      worker: 'w1',
      startedAt: 1000,
      finishedAt: 2000,
      error: 'PROGRAM_FAILED: the program exited with code 1; last stderr lines:\nTraceback\nValueError: bad lr',
    };
    assert.deepEqual(renderFailedProgramTrials(sweepId, [trial], 1).split('\n').slice(0, 4), [
      'failed    1 program trial:',
      `  ${sweepId}-t2  PROGRAM_FAILED: the program exited with code 1; last stderr lines:`,
      '    | Traceback',
      '    | ValueError: bad lr',
    ]);
  });
});
