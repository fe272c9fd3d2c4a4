/**
 * The one error family of sweepq. Every error that crosses a boundary (CLI exit, HTTP response, job
 * failure) is a SweepqError with a stable `code`; `error-codes.ts` is the single place that maps codes
 * to HTTP statuses, CLI exit codes and retry decisions.
 */
import type { ErrorCode } from './error-codes.js';

/** Where in the input the problem is: a field path, a file with line/column, an object key. */
export interface ErrorLocation {
  /** Field path inside a document, e.g. `search.space[0].params.max_depth`. */
  path?: string;
  /** File the problem was found in. */
  file?: string;
  /** 1-based line number. */
  line?: number;
  /** 1-based column number (a CSV column, not a character offset). */
  column?: number;
}

export interface SweepqErrorOptions {
  cause?: unknown;
  location?: ErrorLocation;
  /** Extra machine-readable detail, e.g. every zod issue of a rejected sweep file. */
  details?: unknown;
}

export class SweepqError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: SweepqErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SweepqError';
    this.code = code;
    this.location = options.location;
    this.details = options.details;
  }

  /** JSON body used by the HTTP API and `--json` CLI output; never includes the cause (it may hold secrets). */
  toJSON(): { code: ErrorCode; message: string; location?: ErrorLocation; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Bad input (sweep file, CSV, arguments, model params): never retried, exit code 2, HTTP 4xx. */
export class InvalidInputError extends SweepqError {
  constructor(code: Extract<ErrorCode, `INVALID_${string}` | 'LIMIT_EXCEEDED' | 'PAYLOAD_TOO_LARGE'>, message: string, options?: SweepqErrorOptions) {
    super(code, message, options);
    this.name = 'InvalidInputError';
  }
}

/** Formats a location as `file:line:column` / `at path` for human messages. */
export function formatLocation(location: ErrorLocation | undefined): string {
  if (!location) return '';
  const parts: string[] = [];
  if (location.file !== undefined) {
    let where = location.file;
    if (location.line !== undefined) where += `:${location.line}`;
    if (location.column !== undefined) where += `:${location.column}`;
    parts.push(where);
  } else if (location.line !== undefined) {
    parts.push(`line ${location.line}${location.column !== undefined ? `, column ${location.column}` : ''}`);
  }
  if (location.path !== undefined) parts.push(`at ${location.path}`);
  return parts.join(' ');
}
