export { SweepqError, InvalidInputError, formatLocation } from './sweepq-error.js';
export type { ErrorLocation } from './sweepq-error.js';
export { ERROR_CODES, httpStatusFor, exitCodeFor, isRetryable } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';
