/**
 * Program trials (issue 14) with real processes: a Python training script (numpy, from the project's
 * venv) swept on two worker processes started with --programs, then every way a program can end badly.
 * Each program notes its pid (and its forked child's) in a folder, so the test can check that nothing
 * is left running: after a cancel (within 2 s), a time limit, a forked child ignoring SIGTERM, a
 * grandchild that left the program's process group (setsid, double fork) and ignores SIGTERM, and a
 * kill -9 of the worker running the program. A failed or cancelled trial's run record (exit, signal,
 * reason, output tails) is read as data, stored beside its error.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readLocalBundle } from '../../shared/program/program-bundle.js';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createObjectStore } from '../../shared/store/index.js';
import { MlflowTracking } from '../../shared/mlflow/mlflow-tracking.js';
import { projectPython } from '../export/project-python.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { allTrials, assertCompletedExactlyOnce, CLI_BIN, pidAlive, waitFor, type WorkerProcess } from './fault-harness.js';
import { runCli } from '../support/processes.js';
import { FaultCluster } from './fault-cluster.js';

const LOCK_MS = 2000;
/** Time limit of the failure sweep: the quick failures must end before it even on a loaded machine. */
const TIME_LIMIT_S = 5;

/** The swept program: its behaviour is the trial's `mode` param. */
const PROGRAM = String.raw`
import json, os, signal, sys, time
import sweepq_report

params = sweepq_report.params()
mode = params.get("mode", "train")

def note(role, pid):
    open(os.path.join(os.environ["PIDS_DIR"], "%s.%s.%d" % (os.environ["SWEEPQ_TRIAL_ID"], role, pid)), "w").close()

note("main", os.getpid())
if params.get("escape"):
    # A grandchild in a session of its own (out of the program's process group) that ignores SIGTERM.
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            note("escaped", os.getpid())
            time.sleep(600)
        os._exit(0)
if mode == "train":
    import numpy as np
    rng = np.random.default_rng(sweepq_report.seed())
    x = rng.normal(size=(256, 3))
    y = x @ np.array([1.0, -2.0, 0.5])
    w = np.zeros(3)
    for step in range(5):
        w += params["lr"] * x.T @ (y - x @ w) / len(x)
        sweepq_report.report("val_loss", float(np.mean((y - x @ w) ** 2)), step=step)
    secrets = [k for k in os.environ if k.startswith(("REDIS", "S3_", "SWEEPQ_API", "AWS"))]
    sweepq_report.report("leaked_variables", len(secrets))
    out = sweepq_report.artifact_dir()
    with open(os.path.join(out, "weights.json"), "w") as f:
        json.dump(w.tolist(), f)
    os.makedirs(os.path.join(out, "logs"))
    with open(os.path.join(out, "logs", "note.txt"), "w") as f:
        f.write("trained\n")
    os.symlink("/etc/passwd", os.path.join(out, "escape"))
elif mode == "exit1":
    print("Traceback (most recent call last): ValueError: bad lr", file=sys.stderr)
    sys.exit(1)
elif mode == "garbage":
    print("{not json at all")
    print('{"metric": "val_loss", "value": "low"}')
    print("\x00\x01 binary noise \xff")
elif mode == "sleep":
    time.sleep(600)
elif mode == "fork":
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        note("child", os.getpid())
        time.sleep(600)
        os._exit(0)
    time.sleep(600)
elif mode == "cli":
    import subprocess
    for step, value in enumerate([0.5, 0.25]):
        subprocess.run([os.environ["NODE_BIN"], os.environ["CLI_JS"], "report", "val_loss", str(value), "--step", str(step)], check=True)
elif mode == "memory":
    hog = bytearray(1024 * 1024 * 1024)
elif mode == "slow":
    time.sleep(params["seconds"])
    sweepq_report.report("val_loss", 1.0)
elif mode == "mlflow":
    # Instrumented for MLflow only: no sweepq import, no JSON lines.
    import tempfile
    import mlflow
    mlflow.log_param("lr", params["lr"])
    for step in range(3):
        mlflow.log_metric("val_loss", params["lr"] / (step + 1), step=step)
    mlflow.log_metrics({"val_acc": 0.75, "Bad-Name": 1.0}, step=2)
    mlflow.set_tag("framework", "plain")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "model.txt"), "w") as f:
            f.write("weights")
        mlflow.log_artifact(os.path.join(tmp, "model.txt"))
    mlflow.end_run()
elif mode == "curve":
    poor = params["quality"] > 1
    # A poor trial starts reporting once the test says the good ones have completed (the median rule's baseline).
    while poor and not os.path.exists(os.path.join(os.environ["PIDS_DIR"], os.environ["SWEEPQ_SWEEP_ID"] + ".go")):
        time.sleep(0.05)
    for step in range(9):
        sweepq_report.report("val_loss", params["quality"] / (step + 1), step=step)
        time.sleep(0.3 if poor else 0)
`;

describe('program trials (real processes)', () => {
  let cluster: FaultCluster;
  let dir: string;
  let pidsDir: string;
  let python: string | null = null;
  let workers: WorkerProcess[] = [];

  before(async () => {
    python = projectPython().python;
    cluster = await FaultCluster.start('program-trials', { env: { SWEEPQ_LOCK_DURATION_MS: String(LOCK_MS), SWEEPQ_STALLED_INTERVAL_MS: '1000' }, s3: true });
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-program-'));
    pidsDir = path.join(dir, 'pids');
    await writeFile(path.join(dir, 'prog.py'), PROGRAM);
    await import('node:fs/promises').then((fs) => fs.mkdir(pidsDir));
    workers = [cluster.fleet.spawn({}, ['--programs']), cluster.fleet.spawn({}, ['--programs'])];
  });
  after(async () => {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A program sweep of prog.py run in the test's folder. */
  function sweep(name: string, trials: Array<Record<string, unknown>>, timeoutS = 60): Record<string, unknown> {
    return {
      name,
      program: {
        command: [python!, 'prog.py', '--mode', '${params.mode}'],
        env: { PIDS_DIR: pidsDir, OMP_NUM_THREADS: '1' },
        timeout_s: timeoutS,
        workdir: dir,
      },
      objective: { metric: 'val_loss', goal: 'minimize' },
      trials: trials.map((params) => ({ params })),
    };
  }

  /** Pids the programs of a sweep noted, by role. */
  async function notedPids(sweepId: string): Promise<Array<{ role: string; pid: number }>> {
    const out: Array<{ role: string; pid: number }> = [];
    for (const name of await readdir(pidsDir)) {
      if (!name.startsWith(`${sweepId}-`)) continue;
      const [, role, pid] = name.split('.');
      out.push({ role: role!, pid: Number(pid) });
    }
    return out;
  }

  async function assertNothingRunning(sweepId: string): Promise<void> {
    const pids = await notedPids(sweepId);
    assert.ok(pids.length > 0, 'the programs noted their pids');
    await waitFor('every program process to be gone', () => pids.every((p) => !pidAlive(p.pid)), 3000);
  }

  it('sweeps a numpy training script on 2 workers: each trial once, metrics, histories and artefacts stored, no credentials seen', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const trials = [0.05, 0.1, 0.2, 0.3].map((lr) => ({ mode: 'train', lr }));
    const submitted = await cluster.service.submit(sweep('train', trials));
    const status = await waitForSweep(cluster.service, submitted.sweepId, 60_000);
    assert.equal(status.state, 'completed', JSON.stringify(status.counts));
    const records = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, submitted.sweepId, 4, 'val_loss');
    assert.equal(new Set(records.map((r) => r.worker)).size, 2, 'both workers ran trials');
    const store = await createObjectStore(cluster.setup.config, cluster.setup.logger);
    for (const record of records) {
      assert.equal(record.model, 'program');
      assert.equal(record.metrics?.leaked_variables, 0, 'the program saw no Redis, S3 or API variables');
      const history = record.program?.history.val_loss;
      assert.equal(history?.length, 5);
      assert.deepEqual(
        history.map(([step]) => step),
        [0, 1, 2, 3, 4],
      );
      assert.equal(record.metrics?.val_loss, history.at(-1)![1], 'the last reported value is the metric');
      const manifest = JSON.parse((await store.get(record.artifact!)).toString('utf8')) as { files: Array<{ path: string; key: string }> };
      assert.deepEqual(manifest.files.map((f) => f.path).sort(), ['logs/note.txt', 'weights.json'], 'regular files uploaded, the symlink not followed');
      const weights = JSON.parse((await store.get(manifest.files.find((f) => f.path === 'weights.json')!.key)).toString('utf8')) as number[];
      assert.equal(weights.length, 3);
    }
    await store.close?.();
    const best = await cluster.service.best(submitted.sweepId);
    assert.equal(best.params.lr, 0.3, 'the largest step converges furthest in 5 steps');
  });

  it('ends exit 1, garbage output, a time limit and a forked child ignoring SIGTERM as clear failed trials, leaving nothing running', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const submitted = await cluster.service.submit(
      sweep('failures', [{ mode: 'exit1' }, { mode: 'garbage' }, { mode: 'sleep' }, { mode: 'fork', escape: true }], TIME_LIMIT_S),
    );
    const status = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 0, failed: 4, cancelled: 0, pruned: 0, quarantined: 0 });
    const [exit1, garbage, sleeping, forking] = await allTrials(cluster.index, submitted.sweepId, 4);
    assert.equal(exit1!.error, 'PROGRAM_FAILED: the program exited with code 1', 'the error quotes no output: the record holds it');
    assert.deepEqual([exit1!.program?.reason, exit1!.program?.exitCode, exit1!.program?.signal], ['exit', 1, null]);
    assert.match(exit1!.program?.stderr ?? '', /ValueError: bad lr/);
    assert.ok((exit1!.program?.durationMs ?? -1) >= 0);
    assert.match(
      garbage!.error!,
      /^PROGRAM_FAILED: the program exited 0 without reporting the objective val_loss .*1 line looked like reports but were not \("value" of val_loss must be a finite number or null/,
    );
    assert.equal(garbage!.program?.reason, 'garbage');
    assert.match(garbage!.program?.stdout ?? '', /\{not json at all/);
    assert.equal(garbage!.program?.exitCode, 0);
    for (const limited of [sleeping!, forking!]) {
      assert.match(limited.error!, new RegExp(`^LIMIT_EXCEEDED: the program ran longer than its time limit of ${TIME_LIMIT_S} s`));
      assert.equal(limited.program?.reason, 'timeout');
      assert.equal(limited.program?.signal, 'SIGTERM', 'python dies of the SIGTERM that starts the stop');
    }
    const roles = new Set((await notedPids(submitted.sweepId)).map((p) => p.role));
    assert.ok(roles.has('child') && roles.has('escaped'), 'the forked child and the escaped grandchild ran');
    await assertNothingRunning(submitted.sweepId);
  });

  it('takes reports from `sweepq report` over the trial socket, and refuses one after the attempt ended', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const spec = sweep('cli', [{ mode: 'cli' }]);
    const program = spec.program as { env: Record<string, string> };
    const submitted = await cluster.service.submit({ ...spec, program: { ...program, env: { ...program.env, NODE_BIN: process.execPath, CLI_JS: CLI_BIN } } });
    const status = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.equal(status.counts.completed, 1, JSON.stringify(status.counts));
    const [trial] = await allTrials(cluster.index, submitted.sweepId, 1);
    assert.deepEqual(trial!.program?.history.val_loss, [
      [0, 0.5],
      [1, 0.25],
    ]);
    const late = await runCli(['report', 'val_loss', '0.1'], { SWEEPQ_REPORT_SOCKET: path.join(dir, 'gone.sock') });
    assert.equal(late.code, 1, late.stderr);
    assert.match(late.stderr, /the attempt has ended/);
  });

  it('holds a program to limits.memory_mb: an allocation past it fails the trial, saying so', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const submitted = await cluster.service.submit({ ...sweep('memory', [{ mode: 'memory' }]), limits: { memory_mb: 256 } });
    const status = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.equal(status.counts.failed, 1, JSON.stringify(status.counts));
    const [trial] = await allTrials(cluster.index, submitted.sweepId, 1);
    assert.equal(trial!.error, 'PROGRAM_FAILED: the program exited with code 1 (it ran out of its memory limit of 256 MB: raise limits.memory_mb)');
    assert.match(trial!.program?.stderr ?? '', /MemoryError/);
  });

  it('cancel stops running programs, their whole trees, within 2 s', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const submitted = await cluster.service.submit(sweep('cancel', [{ mode: 'fork' }, { mode: 'sleep', escape: true }]));
    await waitFor('both programs running', async () => (await notedPids(submitted.sweepId)).length === 4, 20_000);
    const pids = await notedPids(submitted.sweepId);
    const started = Date.now();
    await cluster.service.cancel(submitted.sweepId);
    await waitFor('every program process to be gone', () => pids.every((p) => !pidAlive(p.pid)), 5000, 20);
    const stoppedMs = Date.now() - started;
    t.diagnostic(`programs gone ${stoppedMs} ms after the cancel`);
    assert.ok(stoppedMs < 2000, `cancel took ${stoppedMs} ms`);
    // The sweep reads as cancelled at once; its running trials become cancelled as their workers stop them.
    await waitFor('both trials cancelled', async () => (await cluster.service.status(submitted.sweepId)).counts.cancelled === 2, 10_000);
    const records = await allTrials(cluster.index, submitted.sweepId, 2);
    assert.deepEqual(
      records.map((r) => r.program?.reason),
      ['cancel', 'cancel'],
      'each cancelled run keeps its record',
    );
  });

  it('runs a bundle: the code folder uploaded once by content, each trial in its own copy on the worker; extended with the same code only', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const code = path.join(dir, 'bundle');
    await mkdir(code);
    await writeFile(path.join(code, 'prog.py'), PROGRAM);
    const bundle = await readLocalBundle(code);
    await cluster.service.uploadBundle(bundle);
    const spec = sweep('bundle', [
      { mode: 'slow', seconds: 0 },
      { mode: 'slow', seconds: 0.1 },
    ]);
    const { workdir: _inTheBundle, ...program } = spec.program as Record<string, unknown>;
    const submitted = await cluster.service.submit({ ...spec, program: { ...program, bundle: { sha256: bundle.sha256 } } });
    const status = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.equal(status.counts.completed, 2, JSON.stringify(status.counts));
    await assert.rejects(
      cluster.service.submit({ ...spec, program: { ...program, bundle: { sha256: 'a'.repeat(64) } } }),
      /program\.bundle has not been uploaded/,
    );
    // Extended with the same program (same code): the new trial runs like the others.
    const extension = { ...spec, program: { ...program, bundle: { sha256: bundle.sha256 } }, trials: [{ params: { mode: 'slow', seconds: 0.2 } }] };
    assert.equal((await cluster.service.extend(submitted.sweepId, extension)).total, 3);
    const extended = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.equal(extended.counts.completed, 3, JSON.stringify(extended.counts));
    await writeFile(path.join(code, 'prog.py'), `${PROGRAM}\n# changed\n`);
    const changed = await readLocalBundle(code);
    await cluster.service.uploadBundle(changed);
    await assert.rejects(
      cluster.service.extend(submitted.sweepId, { ...extension, program: { ...program, bundle: { sha256: changed.sha256 } } }),
      /needs the same program \(command, env and bundle: the same code\)/,
    );
    await assert.rejects(
      cluster.service.extend(submitted.sweepId, { ...extension, objective: { metric: 'val_acc', goal: 'maximize' } }),
      /optimizes val_loss, not val_acc/,
    );
  });

  it('takes an MLflow-instrumented script unchanged: log_metric, log_param, set_tag and log_artifact land in its trial', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const submitted = await cluster.service.submit(sweep('mlflow', [{ mode: 'mlflow', lr: 0.5 }]));
    const status = await waitForSweep(cluster.service, submitted.sweepId, 60_000);
    const [trial] = await allTrials(cluster.index, submitted.sweepId, 1);
    assert.equal(status.counts.completed, 1, `${JSON.stringify(status.counts)} ${trial!.error ?? ''}`);
    assert.deepEqual(trial!.program?.history.val_loss, [
      [0, 0.5],
      [1, 0.25],
      [2, 0.5 / 3],
    ]);
    assert.deepEqual(trial!.metrics, { val_loss: 0.5 / 3, val_acc: 0.75 });
    assert.deepEqual(trial!.program?.mlflow, { params: { lr: '0.5' }, tags: { framework: 'plain' } });
    assert.equal(trial!.program?.invalidReports, 1, 'the metric name sweepq cannot index is counted, not fatal');
    assert.match(trial!.program?.firstInvalidReport ?? '', /Bad-Name/);
    assert.doesNotMatch(trial!.program?.stdout ?? '', /127\.0\.0\.1:\d+\/[0-9a-f]{32}/, "the endpoint's capability URI is not printed into the kept logs");
    const store = await createObjectStore(cluster.setup.config, cluster.setup.logger);
    const manifest = JSON.parse((await store.get(trial!.artifact!)).toString('utf8')) as { files: Array<{ path: string; key: string }> };
    assert.deepEqual(
      manifest.files.map((f) => f.path),
      ['model.txt'],
      "log_artifact wrote into the trial's artefact folder",
    );
    assert.equal((await store.get(manifest.files[0]!.key)).toString('utf8'), 'weights');
    // MLflow's client reads the logged curve back: metrics/get-history serves the reported history.
    const tracking = new MlflowTracking(cluster.service, store);
    const curve = await tracking.metricHistory(trial!.id, 'val_loss');
    assert.deepEqual(
      curve.metrics.map((m) => [m.step, m.value]),
      [
        [0, 0.5],
        [1, 0.25],
        [2, 0.5 / 3],
      ],
    );
    const run = await tracking.getRun(trial!.id);
    assert.deepEqual(
      run.data.metrics.find((m) => m.key === 'val_loss'),
      { key: 'val_loss', value: 0.5 / 3, timestamp: trial!.finishedAt, step: 2 },
      "the run's metric carries its last report's step",
    );
    assert.ok(run.data.params.some((p) => p.key === 'lr' && p.value === '0.5'));
    assert.ok(
      run.data.tags.some((tag) => tag.key === 'framework' && tag.value === 'plain'),
      'tags the script set show on its run',
    );
    const page = await tracking.metricHistory(trial!.id, 'val_loss', { maxResults: 2 });
    assert.equal(page.metrics.length, 2);
    assert.ok(page.nextPageToken !== undefined, 'a longer history pages');
    await store.close?.();
  });

  it('prunes a program trial from its reported history: the median rule stops a poor one while it runs, its tree killed, its history kept', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const submitted = await cluster.service.submit({
      ...sweep('prune', [
        { mode: 'curve', quality: 1 },
        { mode: 'curve', quality: 1 },
      ]),
      search: {
        method: 'grid',
        space: [{ params: { mode: 'curve', quality: 10 } }],
        pruner: { method: 'median', min_resource: 1, max_resource: 9, n_startup_trials: 2 },
      },
    });
    await waitFor('the good trials completed', async () => (await cluster.service.status(submitted.sweepId)).counts.completed === 2, 30_000);
    await writeFile(path.join(pidsDir, `${submitted.sweepId}.go`), '');
    const status = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 2, failed: 0, cancelled: 0, pruned: 1, quarantined: 0 });
    const [, , poor] = await allTrials(cluster.index, submitted.sweepId, 3);
    assert.equal(poor!.status, 'pruned');
    assert.match(poor!.pruning?.reason ?? '', /median/);
    const history = poor!.program!.history.val_loss ?? [];
    assert.deepEqual(
      history.slice(0, 2),
      [
        [0, 10],
        [1, 5],
      ],
      'the reports up to the rung are kept',
    );
    assert.ok(history.length < 9, `stopped while running (${history.length} reports)`);
    await assertNothingRunning(submitted.sweepId);
  });

  it('SIGTERM of a worker mid-program: within the grace the program finishes; past it the program tree is stopped and the trial re-runs elsewhere, no attempt spent', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    // Within the grace (the fleet's default): the running program completes, then the worker exits 0.
    const finishing = await cluster.service.submit(sweep('drain', [{ mode: 'slow', seconds: 1.5 }]));
    await waitFor('the program running', async () => (await notedPids(finishing.sweepId))[0], 20_000, 20);
    const [draining] = await allTrials(cluster.index, finishing.sweepId, 1);
    const drained = workers.find((w) => w.workerId === draining!.worker)!;
    drained.signal('SIGTERM');
    assert.deepEqual(await drained.exited, { code: 0, signal: null });
    const [kept] = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, finishing.sweepId, 1, 'val_loss');
    assert.equal(kept!.worker, drained.workerId, 'the leaving worker finished its program');

    // Past a short grace: only a worker with a 300 ms grace runs programs while the trial starts.
    const others = workers.filter((w) => w !== drained);
    for (const w of others) w.signal('SIGTERM');
    await Promise.all(others.map((w) => w.exited));
    const short = cluster.fleet.spawn({ SWEEPQ_SHUTDOWN_GRACE_MS: '300' }, ['--programs']);
    const submitted = await cluster.service.submit(sweep('shutdown', [{ mode: 'slow', seconds: 3 }]));
    const first = await waitFor('the program running', async () => (await notedPids(submitted.sweepId))[0], 20_000, 20);
    // The fleet keeps two program workers for the tests after this one.
    workers = [cluster.fleet.spawn({}, ['--programs']), cluster.fleet.spawn({}, ['--programs'])];
    short.signal('SIGTERM');
    assert.deepEqual(await short.exited, { code: 0, signal: null }, 'a graceful stop');
    assert.equal(pidAlive(first.pid), false, 'the program was stopped before the worker exited');
    const status = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.equal(status.state, 'completed');
    const [record] = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, submitted.sweepId, 1, 'val_loss');
    assert.notEqual(record!.worker, short.workerId, 'the leaving worker did not wait for the 3 s program');
    assert.equal(record!.retries, 0, 'handing back at shutdown spends no attempt');
    assert.equal((await notedPids(submitted.sweepId)).length, 2, 'the stopped attempt and the re-run');
    await assertNothingRunning(submitted.sweepId);
  });

  it('kill -9 of a worker mid-program: the orphaned program is gone and the trial re-runs on the other worker, once', async (t) => {
    if (python === null) return t.skip(projectPython().reason ?? 'no python');
    const submitted = await cluster.service.submit(sweep('crash', [{ mode: 'slow', seconds: 4, escape: true }]));
    const first = await waitFor('the program running', async () => (await notedPids(submitted.sweepId)).find((p) => p.role === 'main'), 20_000, 20);
    const escaped = await waitFor(
      'its escaped grandchild running',
      async () => (await notedPids(submitted.sweepId)).find((p) => p.role === 'escaped'),
      20_000,
      20,
    );
    const [trial] = await allTrials(cluster.index, submitted.sweepId, 1);
    const victim = workers.find((w) => w.workerId === trial!.worker)!;
    victim.signal('SIGKILL');
    await victim.exited;
    await waitFor('the orphaned program to be gone', () => !pidAlive(first.pid), 3000, 20);
    await waitFor('the grandchild that left its process group to be gone', () => !pidAlive(escaped.pid), 3000, 20);
    const status = await waitForSweep(cluster.service, submitted.sweepId, 30_000);
    assert.equal(status.state, 'completed');
    const [record] = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, submitted.sweepId, 1, 'val_loss');
    assert.notEqual(record!.worker, victim.workerId);
    assert.ok(record!.attempt >= 2, 'the re-run is a new attempt');
    assert.equal((await notedPids(submitted.sweepId)).filter((p) => p.role === 'main').length, 2, 'the program ran twice: the killed attempt and the re-run');
    await assertNothingRunning(submitted.sweepId);
  });
});
