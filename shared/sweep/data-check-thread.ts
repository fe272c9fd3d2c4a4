/**
 * Entry point of a data-check thread (see check-sweep-data-in-thread.ts): runs checkSweepData once on
 * its workerData and answers `{ value }` or `{ error }` with the error's code, message and location.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { SweepqError } from '../errors/index.js';
import type { DataCheckRequest, DataCheckReply } from './check-sweep-data-in-thread.js';
import { checkSweepData } from './sweep-data.js';

/** Below the main thread's priority: the API's event loop answers first. */
const CHECK_NICENESS = 5;
try {
  setPriority(CHECK_NICENESS);
} catch {
  // Not permitted or not supported: check at normal priority.
}

const request = workerData as DataCheckRequest;
let reply: DataCheckReply;
try {
  reply = { value: await checkSweepData(request.spec, request.split, request.files, request.options) };
} catch (error) {
  const known =
    error instanceof SweepqError ? error : new SweepqError('INTERNAL', `data check thread: ${error instanceof Error ? error.message : String(error)}`);
  reply = { error: JSON.parse(JSON.stringify(known.toJSON())) as DataCheckReply['error'] & object, inputError: known.name === 'InvalidInputError' };
}
parentPort?.postMessage(reply);
