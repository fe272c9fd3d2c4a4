/**
 * Stable error codes and the one table that decides what each means at every boundary.
 * Retry decisions are taken from this table, never by matching error messages.
 */
export const ERROR_CODES = {
  INVALID_SPEC: { http: 400, exit: 2, retryable: false },
  INVALID_CSV: { http: 400, exit: 2, retryable: false },
  INVALID_ARGUMENT: { http: 400, exit: 2, retryable: false },
  INVALID_MODEL: { http: 400, exit: 2, retryable: false },
  INVALID_ARTIFACT: { http: 422, exit: 2, retryable: false },
  /** A trial filter or order_by expression that does not parse; `location.column` points at the token. */
  INVALID_FILTER: { http: 400, exit: 2, retryable: false },
  LIMIT_EXCEEDED: { http: 400, exit: 2, retryable: false },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 2, retryable: false },
  /** A request body of a content type the route does not read (scoring: JSON or CSV only). */
  UNSUPPORTED_MEDIA_TYPE: { http: 415, exit: 2, retryable: false },
  /** A request whose Host header is not one this server answers to (DNS-rebinding guard). */
  INVALID_HOST: { http: 421, exit: 2, retryable: false },
  UNAUTHORIZED: { http: 401, exit: 1, retryable: false },
  /** Authenticated, but the credential's role does not allow the route, or a cookie request failed the CSRF checks. */
  FORBIDDEN: { http: 403, exit: 1, retryable: false },
  /** The client's request budget of the current window is spent; the answer carries Retry-After. */
  RATE_LIMITED: { http: 429, exit: 1, retryable: true },
  /** A sweep, trial, experiment or file that does not exist: for the CLI a wrong argument, so exit 2 like other bad input. */
  NOT_FOUND: { http: 404, exit: 2, retryable: false },
  CONFLICT: { http: 409, exit: 1, retryable: false },
  CANCELLED: { http: 409, exit: 1, retryable: false },
  STORE_UNAVAILABLE: { http: 503, exit: 1, retryable: true },
  INDEX_UNAVAILABLE: { http: 503, exit: 1, retryable: true },
  TIMEOUT: { http: 504, exit: 1, retryable: true },
  /** This machine's disk failed (full, read-only, I/O error): the worker pauses; the trial is handed back unharmed. */
  LOCAL_IO: { http: 503, exit: 1, retryable: true },
  /** A trial's training process died (not a limit): retried, and quarantined after repeated crashes. */
  TRAINING_CRASHED: { http: 500, exit: 1, retryable: true },
  /** A user's program failed on its own (non-zero exit, no objective reported, not startable): the trial fails, no retry. */
  PROGRAM_FAILED: { http: 422, exit: 1, retryable: false },
  /** The Redis data was written by a newer sweepq (see shared/index/index-version.ts). */
  INDEX_VERSION: { http: 503, exit: 1, retryable: false },
  INTERNAL: { http: 500, exit: 1, retryable: true },
} as const satisfies Record<string, { http: number; exit: 0 | 1 | 2; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusFor(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}

export function exitCodeFor(code: ErrorCode): 1 | 2 {
  return ERROR_CODES[code].exit;
}

export function isRetryable(code: ErrorCode): boolean {
  return ERROR_CODES[code].retryable;
}
