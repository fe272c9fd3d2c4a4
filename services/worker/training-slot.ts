/**
 * One training slot seen from the worker: a child process (training-process.ts) that trains one trial
 * at a time. A process, not a worker thread, because a thread's `resourceLimits` cap only the JS heap
 * while the learners' typed arrays live outside it: the child runs under RLIMIT_AS (through `prlimit`),
 * so a trial that needs more memory than its budget fails alone — as LIMIT_EXCEEDED, not retried — and
 * the worker stays alive. A wall-clock limit kills the child the same way. `abort` (cancel, shutdown)
 * kills it at once: synchronous training cannot be interrupted any other way. A fresh child is started
 * for the next trial; `warmUp` starts it ahead of time so module loading is off the critical path.
 */
import type { ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { SweepqError } from '../../shared/errors/index.js';
import { processEntryFile } from '../../shared/runtime/process-entry.js';
import type { RungScores, RungVerdict } from '../../shared/ml/cross-validate-by-stages.js';
import type { RungAnswer, RungRequest, SlotLimits, TrainingResult, TrainingTask } from './training-task.js';
import { adoptEarlyTrainingProcess } from './early-training-process.js';
import { prlimitAvailable, spawnTrainingProcess, trainingProcessCommand } from './training-process-spawn.js';

const PROCESS_FILE = processEntryFile('training-process');
/** Training runs niced, so the worker's event loop (lock renewal) and anything else on the host stay responsive. */
const TRAINING_NICENESS = 10;
/** Lines of the child's stderr kept to explain a crash. */
const STDERR_LINES = 20;

interface Inflight {
  /** Ids of the batch's tasks in order; the child answers them one by one. */
  ids: number[];
  /** Position in `ids` of the task the child is training now. */
  next: number;
  limits: SlotLimits;
  onResult(position: number, result: TrainingResult): void;
  /** Settles the batch with how many tasks got a result. */
  resolve(answered: number): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  onRung: RungHandler | undefined;
}

/** Answers a trial's rung report with the pruner's verdict (see PrunerClient). */
export type RungHandler = (rung: RungScores, history: readonly RungScores[]) => Promise<RungVerdict>;

interface Child {
  process: ChildProcess;
  limits: SlotLimits;
  ready: Promise<void>;
  stderr: string[];
  /** Why we killed it, when we did. */
  killedFor: 'timeout' | 'abort' | null;
  /** How it ended, once it has. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
}

export class TrainingSlot {
  private child: Child | null = null;
  private nextId = 1;
  private inflight: Inflight | null = null;
  /** Held by one trial from before its claim until it ends, across the awaits before `run`. */
  private reserved = false;

  /** True when memory limits are enforced (prlimit found); timeouts are enforced either way. */
  static get enforcesMemory(): boolean {
    return prlimitAvailable();
  }

  get busy(): boolean {
    return this.inflight !== null || this.reserved;
  }

  /**
   * Takes the slot for one trial, synchronously: two jobs starting at once can never pick the same slot
   * while one of them is still downloading its dataset. Returns false when taken.
   */
  tryReserve(): boolean {
    if (this.busy) return false;
    this.reserved = true;
    return true;
  }

  unreserve(): void {
    this.reserved = false;
  }

  /** Starts the child for these limits ahead of the first trial (a few hundred ms of module loading). */
  warmUp(limits: SlotLimits): void {
    this.ensureChild(limits);
  }

  /**
   * Trains one trial under `limits`. Resolves with the result; a breached limit or a crashed child
   * resolves as a failure with code LIMIT_EXCEEDED or TRAINING_CRASHED. Rejects with CANCELLED when
   * aborted.
   */
  async run(task: Omit<TrainingTask, 'id' | 'memoryMb'>, limits: SlotLimits, onRung?: RungHandler): Promise<TrainingResult> {
    let answer: TrainingResult | undefined;
    await this.runBatch(
      [task],
      limits,
      (_position, result) => {
        answer = result;
      },
      onRung,
    );
    return answer!;
  }

  /**
   * Trains several trials one after the other in one message to the child (a block's trials, issue 13
   * item 4: one IPC round trip per batch, not per trial); `onResult` gets each result as soon as the
   * child sends it. Each trial gets the whole time limit from its own start. A breached limit or a
   * crash ends the batch at that trial, which gets the failure as its result: resolves with how many
   * tasks got a result (the rest never ran). Rejects with CANCELLED when aborted.
   */
  async runBatch(
    tasks: ReadonlyArray<Omit<TrainingTask, 'id' | 'memoryMb'>>,
    limits: SlotLimits,
    onResult: (position: number, result: TrainingResult) => void,
    onRung?: RungHandler,
  ): Promise<number> {
    if (this.inflight !== null) throw new SweepqError('INTERNAL', 'training slot is busy');
    if (tasks.length === 0) return 0;
    const child = this.ensureChild(limits);
    await child.ready;
    if (this.child !== child) {
      if (child.killedFor === 'abort') throw new SweepqError('CANCELLED', 'training slot was stopped before the trial started');
      // It died on its way up (a crash, an external kill): the trial's fault or the machine's, but a crash.
      onResult(0, { id: 0, ok: false, error: explainExit(child, limits, child.exit?.code ?? null, child.exit?.signal ?? null) });
      return 1;
    }
    const full: TrainingTask[] = [];
    for (const task of tasks) full.push({ ...task, id: this.nextId++, memoryMb: limits.memoryMb });
    return new Promise<number>((resolve, reject) => {
      this.inflight = { ids: full.map((t) => t.id), next: 0, limits, onResult, resolve, reject, timer: this.startTimer(child, limits), onRung };
      child.process.send(full);
    });
  }

  /** The wall-clock limit of the trial the child starts now: past it, the child is killed. */
  private startTimer(child: Child, limits: SlotLimits): NodeJS.Timeout {
    const timer = setTimeout(() => {
      child.killedFor = 'timeout';
      child.process.kill('SIGKILL');
    }, limits.timeoutS * 1000);
    timer.unref();
    return timer;
  }

  /** Stops the running trial now (its promise rejects with CANCELLED) and the child with it. */
  async abort(reason: string): Promise<void> {
    const child = this.child;
    const inflight = this.inflight;
    this.child = null;
    this.inflight = null;
    if (inflight !== null) {
      clearTimeout(inflight.timer);
      inflight.reject(new SweepqError('CANCELLED', reason));
    }
    if (child !== null) {
      child.killedFor = 'abort';
      await stopChild(child.process);
    }
  }

  async close(): Promise<void> {
    await this.abort('worker shutting down');
  }

  /**
   * Gets the verdict for a rung the child reached and sends it back. Judging failed (Redis down)
   * means training on: a trial is never stopped without a verdict.
   */
  private answerRung(child: Child, request: RungRequest): void {
    const inflight = this.inflight;
    if (inflight === null || this.child !== child || request.id !== inflight.ids[inflight.next]) return;
    const judged = inflight.onRung === undefined ? Promise.resolve<RungVerdict>({ action: 'continue' }) : inflight.onRung(request.rung, request.history);
    void judged
      .catch((): RungVerdict => ({ action: 'continue' }))
      .then((verdict) => {
        if (this.child !== child || this.inflight !== inflight) return;
        const answer: RungAnswer = { id: request.id, verdict };
        child.process.send(answer);
      });
  }

  private ensureChild(limits: SlotLimits): Child {
    const current = this.child;
    if (current !== null && current.limits.memoryMb === limits.memoryMb) {
      current.limits = limits;
      return current;
    }
    // Another memory budget needs another process (RLIMIT_AS is set when it starts).
    if (current !== null) {
      this.child = null;
      current.killedFor = 'abort';
      current.process.kill('SIGKILL');
    }
    const command = trainingProcessCommand(limits.memoryMb, PROCESS_FILE);
    // The worker's launcher may have started this very process already (early-training-process.ts).
    const early = adoptEarlyTrainingProcess(command);
    const spawned = early?.child ?? spawnTrainingProcess(command);
    const child: Child = { process: spawned, limits, ready: Promise.resolve(), stderr: [], killedFor: null, exit: null };
    child.ready = new Promise<void>((resolve) => {
      const onMessage = (message: unknown): void => {
        if ((message as { ready?: unknown } | null)?.ready === true) {
          spawned.off('message', onMessage);
          // Niced only once it has loaded: on a busy machine a niced start is what the first trial waits for.
          lowerPriority(spawned);
          resolve();
        }
      };
      spawned.on('message', onMessage);
      spawned.once('exit', () => resolve());
    });
    spawned.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        child.stderr.push(line);
        if (child.stderr.length > STDERR_LINES) child.stderr.shift();
      }
    });
    spawned.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'rung' in message) {
        this.answerRung(child, message as RungRequest);
        return;
      }
      const result = message as TrainingResult;
      const inflight = this.inflight;
      if (inflight === null || this.child !== child || typeof result !== 'object' || result === null || result.id !== inflight.ids[inflight.next]) return;
      clearTimeout(inflight.timer);
      const position = inflight.next++;
      if (inflight.next === inflight.ids.length) this.inflight = null;
      // The next task of the batch starts in the child now: its own time limit starts with it.
      else inflight.timer = this.startTimer(child, inflight.limits);
      inflight.onResult(position, result);
      if (this.inflight === null) inflight.resolve(inflight.next);
    });
    spawned.once('error', (error) => child.stderr.push(`spawn error: ${error.message}`));
    spawned.once('exit', (code, signal) => {
      child.exit = { code, signal };
      if (this.child !== child) return;
      this.child = null;
      const inflight = this.inflight;
      if (inflight === null) return;
      this.inflight = null;
      clearTimeout(inflight.timer);
      inflight.onResult(inflight.next, { id: inflight.ids[inflight.next]!, ok: false, error: explainExit(child, inflight.limits, code, signal) });
      inflight.resolve(inflight.next + 1);
    });
    this.child = child;
    // What an adopted process said before this slot listened (its `ready`), heard now.
    for (const message of early?.messages ?? []) spawned.emit('message', message);
    return child;
  }
}

/** Why a child died mid-trial, as the error its trial records. */
function explainExit(
  child: Child,
  limits: SlotLimits,
  code: number | null,
  signal: NodeJS.Signals | null,
): { code: 'LIMIT_EXCEEDED' | 'TRAINING_CRASHED'; message: string } {
  if (child.killedFor === 'timeout') {
    return {
      code: 'LIMIT_EXCEEDED',
      message: `the trial ran longer than its time limit of ${limits.timeoutS} s and was stopped; raise limits.timeout_s or shrink the trial`,
    };
  }
  const tail = child.stderr.join('\n');
  if (/out of memory|allocation failed|Reached heap limit|Cannot allocate memory/i.test(tail)) {
    return {
      code: 'LIMIT_EXCEEDED',
      message: `the trial needs more memory than its limit of ${limits.memoryMb} MB and was stopped; raise limits.memory_mb or shrink the trial`,
    };
  }
  const how = signal !== null ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (possibly the kernel OOM killer)' : ''}` : `exited with code ${code}`;
  return { code: 'TRAINING_CRASHED', message: `the training process ${how}${tail === '' ? '' : `: ${tail.slice(-500)}`}` };
}

function lowerPriority(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    setPriority(child.pid, TRAINING_NICENESS);
  } catch {
    // Not permitted here (or it just exited): train at normal priority.
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
