/**
 * checkSweepData in a worker thread, for the scheduler: reading and checking a submitted dataset takes
 * seconds for a large file (a 250 MB CSV parses in ~2.5 s), and the API's event loop — `/healthz`,
 * status polls, lock-renewing workers' reads — must not wait for it. One thread per check: a submit is
 * rare next to its cost, and the thread's memory (the whole table) is freed as soon as it exits.
 * Small data is checked on the calling thread instead: parsing it takes milliseconds, while starting
 * a thread and loading its modules again costs ~0.3 s of CPU — most of `sweepq run`'s fixed cost on
 * a small sweep (issue 13).
 */
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { InvalidInputError, SweepqError, type ErrorCode, type ErrorLocation } from '../errors/index.js';
import type { DatasetRef } from '../schemas/sweep-context.schema.js';
import type { checkSweepData, SweepDataCheck, SweepDataFiles } from './sweep-data.js';

const THREAD_FILE = new URL('./data-check-thread.js', import.meta.url);
/** Data files up to this size (together) are checked on the calling thread. */
const IN_PLACE_MAX_BYTES = 1024 * 1024;

export interface DataCheckRequest {
  spec: Parameters<typeof checkSweepData>[0];
  split: DatasetRef['split'];
  files: SweepDataFiles;
  options: { maxOneHotWidth?: number };
}

export type DataCheckReply =
  | { value: SweepDataCheck; error?: undefined }
  | { error: { code: ErrorCode; message: string; location?: ErrorLocation; details?: unknown }; inputError: boolean; value?: undefined };

/**
 * Runs {@link checkSweepData} in a new thread (small data: here); errors keep their code, message and location.
 * `onChecked` sees the parsed pair of small data only (a thread's tables stay in the thread).
 */
export async function checkSweepDataInThread(request: DataCheckRequest, onChecked?: Parameters<typeof checkSweepData>[4]): Promise<SweepDataCheck> {
  if ((await totalBytes(request.files)) <= IN_PLACE_MAX_BYTES) {
    const sweepData = await import('./sweep-data.js');
    return sweepData.checkSweepData(request.spec, request.split, request.files, request.options, onChecked);
  }
  return new Promise((resolve, reject) => {
    // The spec and paths are plain data: a JSON round trip guarantees they clone.
    const thread = new Worker(THREAD_FILE, { workerData: JSON.parse(JSON.stringify(request)) as DataCheckRequest });
    let settled = false;
    thread.once('message', (reply: DataCheckReply) => {
      settled = true;
      if (reply.error === undefined) resolve(reply.value);
      else reject(fromReply(reply.error, reply.inputError));
    });
    thread.once('error', (error) => {
      settled = true;
      reject(new SweepqError('INTERNAL', `data check thread failed: ${error.message}`, { cause: error }));
    });
    thread.once('exit', (code) => {
      if (!settled) reject(new SweepqError('INTERNAL', `data check thread exited with code ${code} before answering`));
    });
  });
}

/** Size of the data files; unreadable ones count as large, so the thread reports their error as usual. */
async function totalBytes(files: SweepDataFiles): Promise<number> {
  try {
    const sizes = await Promise.all([stat(files.train), files.test === null ? null : stat(files.test)]);
    return sizes[0].size + (sizes[1]?.size ?? 0);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function fromReply(error: { code: ErrorCode; message: string; location?: ErrorLocation; details?: unknown }, inputError: boolean): SweepqError {
  const options = { ...(error.location === undefined ? {} : { location: error.location }), ...(error.details === undefined ? {} : { details: error.details }) };
  // Input errors stay InvalidInputError: callers tell bad input from failures by class.
  return inputError
    ? new InvalidInputError(error.code as ConstructorParameters<typeof InvalidInputError>[0], error.message, options)
    : new SweepqError(error.code, error.message, options);
}
