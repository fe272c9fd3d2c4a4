/**
 * Entry point of a sweep-parse thread (see sweep-parse-pool.ts): parses one body per message and
 * answers `{ id, value }` or `{ id, error }` with the error's code, message, location and details.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { SweepqError } from '../errors/index.js';
import { parseSweepBody } from './parse-sweep-body.js';
import { THREAD_READY, type ParseFailure, type ParseReply, type ParseRequest } from './sweep-parse-pool.js';

/** Below the main thread's priority, like training threads: the API's event loop answers first. */
const PARSE_NICENESS = 5;
try {
  setPriority(PARSE_NICENESS);
} catch {
  // Not permitted or not supported: parse at normal priority.
}

parentPort?.on('message', (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: request.id, value: parseSweepBody(request.text, request.format, request.limits) };
  } catch (error) {
    // An unexpected error is a bug: its message goes to the scheduler's log (5xx answers are generic).
    const known =
      error instanceof SweepqError ? error : new SweepqError('INTERNAL', `sweep parse thread: ${error instanceof Error ? error.message : String(error)}`);
    // Details are plain data (issues); a JSON round trip guarantees they clone.
    reply = { id: request.id, error: JSON.parse(JSON.stringify(known.toJSON())) as ParseFailure };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage(THREAD_READY);
