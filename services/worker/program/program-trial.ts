/**
 * One attempt of a program trial (issue 14): render the command with the trial's params, run it in a
 * clean environment with a fresh artefact folder, collect its reports (the last value of each metric is
 * the trial's metric, the values before it the metric's bounded history), upload the files it wrote
 * under SWEEPQ_ARTIFACT_DIR, and return what the trial processor commits. Every failure is a
 * SweepqError with a code that decides retries: the program's own failures (non-zero exit, no
 * objective, not startable) are PROGRAM_FAILED and never retried; a time limit is LIMIT_EXCEEDED; a
 * program killed by a signal sweepq did not send (the OOM killer) is TRAINING_CRASHED. A run that
 * ended is a ProgramRunError carrying the run's record (exit, signal, reason, output tails), which the
 * trial's end stores beside the error; the error text itself quotes no output.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SweepqError, type ErrorCode } from '../../../shared/errors/index.js';
import type { RungScores } from '../../../shared/ml/cross-validate-by-stages.js';
import type { ProgramContext } from '../../../shared/schemas/program-spec.schema.js';
import type { ProgramEndReason } from '../../../shared/schemas/trial.schema.js';
import { artifactKey } from '../../../shared/schemas/sweep-context.schema.js';
import type { ObjectStore } from '../../../shared/store/object-store.js';
import type { BundleCache } from '../../../shared/program/program-bundle.js';
import { MlflowEndpoint } from './mlflow-endpoint.js';
import { ProgramPruning, type ProgramPruningPlan } from './program-pruning.js';
import { TrialReports } from './trial-reports.js';
import { programEnvironment } from './program-env.js';
import { ProgramProcess, type ProgramExit } from './program-process.js';
import { renderCommand } from '../../../shared/program/render-command.js';
import { OutputTail } from './output-tail.js';
import { ProgramRunError, type ProgramRunDetail } from './program-run-error.js';

/** Artefact bounds of one trial: files and total bytes. */
const MAX_ARTIFACT_FILES = 1000;
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

export interface ProgramTrialInput {
  sweepId: string;
  trialId: string;
  /** The attempt's fencing token: artefact keys are per attempt, so a superseded one never overwrites. */
  token: string;
  params: Record<string, unknown>;
  seed: number;
  context: ProgramContext;
  objectiveMetric: string;
  /** The trial's name (the MLflow run name the program's client sees). */
  trialName: string;
  /** The sweep's pruner judging this trial's objective reports, or null (no `search.pruner`). */
  pruning: ProgramPruningPlan | null;
  /** Scratch folder of this worker for program runs (one subfolder per attempt, removed after). */
  runsDir: string;
  /** The worker's environment, of which the program inherits only the basics (program-env.ts). */
  inheritedEnv: Readonly<Record<string, string | undefined>>;
  /** This machine's unpacked bundles. */
  bundles: BundleCache;
}

export interface ProgramTrialResult {
  metrics: Record<string, number | null>;
  /** Stored on the trial record: histories, output tails, exit and artefact count. */
  detail: { program: ProgramRunDetail };
  /** Key of the run's manifest (the files it wrote), the trial's artefact. */
  artifact: string;
  timings: { runMs: number; storeMs: number };
  /** Null without a pruner; `reason` set when the pruner stopped the program (the trial ends pruned). */
  pruning: { reason: string | null; rungs: RungScores[] } | null;
}

export class ProgramTrial {
  private process: ProgramProcess | null = null;
  private stopped: 'abort' | null = null;
  private pruning: ProgramPruning | null = null;

  constructor(
    private readonly input: ProgramTrialInput,
    private readonly store: ObjectStore,
  ) {}

  /** Stops the program (cancel, shutdown): its whole process tree, within about a second. */
  async stop(): Promise<void> {
    this.stopped = 'abort';
    await this.process?.stop('abort');
  }

  /** After a completed commit: the trial's rung values join those the median rule compares with. */
  async recordCompleted(): Promise<void> {
    await this.pruning?.recordCompleted();
  }

  async run(): Promise<ProgramTrialResult> {
    const { input } = this;
    const command = renderCommand(input.context.program.command, input.params);
    const runDir = path.join(input.runsDir, `${input.trialId}-${input.token.slice(0, 8)}`);
    const artifactDir = path.join(runDir, 'artifacts');
    await mkdir(artifactDir, { recursive: true });
    let server: Server | null = null;
    let mlflow: MlflowEndpoint | null = null;
    const connections = new Set<Socket>();
    try {
      const pruning = input.pruning === null ? null : new ProgramPruning(input.pruning, () => void this.process?.stop('prune'));
      this.pruning = pruning;
      const reports = new TrialReports((report, step) => pruning?.observe(report, step));
      const onStdoutLine = (line: string): void => reports.line(line);
      // A bundle runs in a copy of its own per attempt: programs may write next to their code.
      let cwd = input.context.program.workdir ?? runDir;
      if (input.context.program.bundle !== null) {
        cwd = path.join(runDir, 'code');
        await input.bundles.copyTo(input.context.program.bundle, cwd);
      }
      if (this.stopped !== null) throw new SweepqError('CANCELLED', 'trial stopped before its program started');
      // `sweepq report` reaches this attempt over a socket that lives exactly as long as the attempt.
      const reportSocket = path.join(os.tmpdir(), `sweepq-report-${randomBytes(8).toString('hex')}.sock`);
      server = createServer((connection) => {
        connections.add(connection);
        connection.once('close', () => connections.delete(connection));
        const lines = new OutputTail(1, 4096);
        connection.setEncoding('utf8').on('data', (chunk: string) => lines.write(chunk, onStdoutLine));
        connection.on('end', () => lines.end(onStdoutLine));
        connection.on('error', () => undefined);
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => listening.listen(reportSocket, resolve).once('error', reject));
      const started = Date.now();
      // So does the attempt's MLflow endpoint (an MLflow-instrumented script reports unchanged).
      mlflow = await MlflowEndpoint.start({ runId: input.trialId, runName: input.trialName, startedAt: started, artifactDir }, reports);
      this.process = new ProgramProcess({
        command,
        cwd,
        env: programEnvironment(input.inheritedEnv, input.context.program.env, {
          sweepId: input.sweepId,
          trialId: input.trialId,
          params: input.params,
          seed: input.seed,
          artifactDir,
          reportSocket,
          mlflow: { trackingUri: mlflow.trackingUri, runId: input.trialId },
        }),
        timeoutMs: input.context.limits.timeout_s * 1000,
        memoryMb: input.context.program.memory_mb,
        onStdoutLine,
      });
      const exit = await this.process.done;
      const runMs = Date.now() - started;
      // From here on a report is too late: it is refused, not recorded.
      for (const connection of connections) connection.destroy();
      await closeServer(listening);
      server = null;
      await mlflow.close();
      await pruning?.settled();
      const detail: ProgramRunDetail = {
        history: reports.historiesJSON(),
        stdout: exit.stdoutTail,
        stderr: exit.stderrTail,
        exitCode: exit.code,
        signal: exit.signal,
        durationMs: runMs,
        files: 0,
        invalidReports: reports.invalid,
        firstInvalidReport: reports.firstInvalid,
        ...(mlflow.logged ? { mlflow: { params: mlflow.params, tags: mlflow.tags } } : {}),
      };
      const metrics = reports.metrics();
      if (pruning !== null && pruning.stopped !== null) {
        // Stopped by the pruner: its reports so far are the result (no artefact, as for built-in trials).
        return {
          metrics,
          detail: { program: detail },
          artifact: '',
          timings: { runMs, storeMs: 0 },
          pruning: { reason: pruning.stopped, rungs: pruning.history },
        };
      }
      this.checkExit(exit, command[0]!, detail);
      if (!reports.histories.has(input.objectiveMetric)) {
        const why =
          reports.invalid > 0 ? `; ${reports.invalid} line${reports.invalid === 1 ? '' : 's'} looked like reports but were not (${reports.firstInvalid})` : '';
        throw new ProgramRunError(
          'PROGRAM_FAILED',
          `the program exited 0 without reporting the objective ${input.objectiveMetric} (print {"metric": "${input.objectiveMetric}", "value": ...} as one line on stdout, use sweepq_report.report, or mlflow.log_metric)${why}`,
          { ...detail, reason: reports.invalid > 0 ? 'garbage' : 'no-objective' },
        );
      }
      const storeStarted = Date.now();
      const key = artifactKey(input.sweepId, input.trialId, input.token);
      try {
        detail.files = await this.uploadArtifacts(artifactDir, key);
      } catch (error) {
        // Too many files or bytes is the program's doing (never retried); a store fault stays what it is.
        if (error instanceof SweepqError && error.code === 'LIMIT_EXCEEDED')
          throw new ProgramRunError(error.code, error.message, { ...detail, reason: 'artifacts' });
        throw error;
      }
      return {
        metrics,
        detail: { program: detail },
        artifact: key,
        timings: { runMs, storeMs: Date.now() - storeStarted },
        pruning: pruning === null ? null : { reason: null, rungs: pruning.history },
      };
    } finally {
      for (const connection of connections) connection.destroy();
      if (server !== null) await closeServer(server);
      await mlflow?.close();
      await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Turns an unsuccessful exit into the trial's error, carrying the run's record with the reason it ended. */
  private checkExit(exit: ProgramExit, executable: string, detail: ProgramRunDetail): void {
    const failed = (code: ErrorCode, reason: ProgramEndReason, message: string): ProgramRunError => new ProgramRunError(code, message, { ...detail, reason });
    if (this.stopped !== null || exit.stoppedFor === 'abort') throw failed('CANCELLED', 'cancel', 'the program was stopped');
    if (exit.stoppedFor === 'timeout') {
      throw failed(
        'LIMIT_EXCEEDED',
        'timeout',
        `the program ran longer than its time limit of ${this.input.context.limits.timeout_s} s and was stopped with its whole process tree (raise program.timeout_s)`,
      );
    }
    if (exit.spawnError !== null) {
      throw failed(
        'PROGRAM_FAILED',
        'not-started',
        `the program ${JSON.stringify(executable)} could not be started: ${exit.spawnError} (is it installed on the worker and on PATH, or a path relative to the sweep folder?)`,
      );
    }
    if (exit.signal !== null) {
      throw failed(
        'TRAINING_CRASHED',
        'signal',
        `the program was killed by ${exit.signal}${exit.signal === 'SIGKILL' ? ' (possibly the kernel OOM killer)' : ''}`,
      );
    }
    const memory = this.input.context.program.memory_mb;
    const hint =
      memory !== null && /MemoryError|out of memory|Cannot allocate memory|bad_alloc/i.test(detail.stderr)
        ? ` (it ran out of its memory limit of ${memory} MB: raise limits.memory_mb)`
        : '';
    if (exit.code !== 0) throw failed('PROGRAM_FAILED', 'exit', `the program exited with code ${exit.code}${hint}`);
  }

  /**
   * Uploads every regular file under the artefact folder (symlinks are not followed: a link to
   * /etc/passwd stays a link) and a manifest at `key` listing them. Returns the file count.
   */
  private async uploadArtifacts(dir: string, key: string): Promise<number> {
    const files: Array<{ path: string; bytes: number }> = [];
    let total = 0;
    const walk = async (relative: string): Promise<void> => {
      for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
        const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) await walk(name);
        else if (entry.isFile()) {
          const bytes = (await lstat(path.join(dir, name))).size;
          total += bytes;
          files.push({ path: name, bytes });
          if (files.length > MAX_ARTIFACT_FILES || total > MAX_ARTIFACT_BYTES) {
            throw new SweepqError(
              'LIMIT_EXCEEDED',
              `the program wrote more than ${MAX_ARTIFACT_FILES} files or ${MAX_ARTIFACT_BYTES / 1048576} MiB under SWEEPQ_ARTIFACT_DIR; keep only what you need (checkpoints: the best, not every epoch)`,
            );
          }
        }
      }
    };
    await walk('');
    const base = key.replace(/\.json$/, '');
    const manifest = { format: 'sweepq.program-run', v: 1, files: [] as Array<{ path: string; key: string; bytes: number }> };
    for (let i = 0; i < files.length; i++) {
      // Keys by position: file names may hold characters object keys do not allow; the manifest maps them.
      const fileKey = `${base}/files/${i}`;
      await this.store.putFile(fileKey, path.join(dir, files[i]!.path));
      manifest.files.push({ path: files[i]!.path, key: fileKey, bytes: files[i]!.bytes });
    }
    await this.store.put(key, JSON.stringify(manifest), { contentType: 'application/json' });
    return files.length;
  }
}

/** Stops taking reports: closes the socket (Node removes its file); open connections are destroyed first. */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
