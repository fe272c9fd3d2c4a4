/**
 * One training thread seen from the worker's main thread: `run` posts a task and resolves with the
 * result; `abort` terminates the thread (the only way to stop synchronous training at once, e.g. on
 * cancel or shutdown) and a fresh thread is started for the next task.
 */
import { Worker } from 'node:worker_threads';
import { SweepqError } from '../../shared/errors/index.js';
import type { TrainingResult, TrainingTask } from './training-task.js';

const THREAD_FILE = new URL('./training-thread.js', import.meta.url);

export class TrainingThreadClient {
  private thread: Worker | null = null;
  private nextId = 1;
  private inflight: { id: number; resolve(r: TrainingResult): void; reject(e: unknown): void } | null = null;

  /** Held by one trial from before its claim until it ends, across the awaits before `run`. */
  private reserved = false;

  get busy(): boolean {
    return this.inflight !== null || this.reserved;
  }

  /**
   * Takes the thread for one trial, synchronously: two jobs starting at once can never pick the same
   * thread while one of them is still downloading its dataset. Returns false when taken.
   */
  tryReserve(): boolean {
    if (this.busy) return false;
    this.reserved = true;
    return true;
  }

  unreserve(): void {
    this.reserved = false;
  }

  run(task: Omit<TrainingTask, 'id'>): Promise<TrainingResult> {
    if (this.inflight !== null) return Promise.reject(new SweepqError('INTERNAL', 'training thread is busy'));
    const thread = this.ensureThread();
    const id = this.nextId++;
    return new Promise<TrainingResult>((resolve, reject) => {
      this.inflight = { id, resolve, reject };
      thread.postMessage({ ...task, id } satisfies TrainingTask);
    });
  }

  /**
   * Starts the thread ahead of the first task: loading the ML modules in a fresh isolate takes a few
   * hundred milliseconds, better spent while the worker waits for its first job.
   */
  warmUp(): void {
    this.ensureThread();
  }

  /** Stops the running task now; its promise rejects with CANCELLED. */
  async abort(reason: string): Promise<void> {
    const thread = this.thread;
    const inflight = this.inflight;
    this.thread = null;
    this.inflight = null;
    if (thread) await thread.terminate();
    inflight?.reject(new SweepqError('CANCELLED', reason));
  }

  async close(): Promise<void> {
    await this.abort('worker shutting down');
  }

  private ensureThread(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(THREAD_FILE);
    thread.on('message', (result: TrainingResult) => {
      const inflight = this.inflight;
      if (inflight && inflight.id === result.id) {
        this.inflight = null;
        inflight.resolve(result);
      }
    });
    thread.on('error', (error) => {
      const inflight = this.inflight;
      this.inflight = null;
      this.thread = null;
      inflight?.reject(new SweepqError('INTERNAL', `training thread crashed: ${error.message}`, { cause: error }));
    });
    thread.on('exit', (code) => {
      if (this.thread !== thread) return;
      const inflight = this.inflight;
      this.thread = null;
      this.inflight = null;
      inflight?.reject(new SweepqError('INTERNAL', `training thread exited with code ${code}`));
    });
    this.thread = thread;
    return thread;
  }
}
