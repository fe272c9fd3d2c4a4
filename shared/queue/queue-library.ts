/**
 * BullMQ and ioredis, loaded with `require`. Both are CommonJS packages, and an ES module importing
 * CommonJS makes Node scan each of the package's files for its export names (cjs-module-lexer):
 * measured here, `import` costs 185 ms of CPU for BullMQ and 99 ms for ioredis against 119 ms and
 * 47 ms through `require` — on the start-up path of every worker and of `sweepq run` (issue 13, fixed
 * costs). Types still come from the packages with `import type`; values come from here, so the
 * process holds one copy of each package whichever way it was reached.
 */
import { createRequire } from 'node:module';

const requireCommonJs = createRequire(import.meta.url);
const bullmq = requireCommonJs('bullmq') as typeof import('bullmq');
const ioredis = requireCommonJs('ioredis') as typeof import('ioredis');

export const { Queue, Worker, DelayedError, UnrecoverableError } = bullmq;
export const { Redis } = ioredis;
