/**
 * One error shape for the whole API: `{ error: { code, message, location?, details? } }`, with the
 * HTTP status taken from `httpStatusFor(code)` (error-codes.ts is the only place that maps codes).
 * Messages of server-side failures are replaced by a generic text: the real error (which may hold a
 * Redis URL, a bucket name or a stack) goes to the log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { SweepqError, httpStatusFor, type ErrorCode } from '../../shared/errors/index.js';
import { isRedisUnavailableError } from './redis-unavailable.js';

/** The body of every error answer. */
export interface ErrorBody {
  error: ReturnType<SweepqError['toJSON']>;
}

/** What a client may read about a server-side failure, per code. */
const GENERIC_MESSAGES: Partial<Record<ErrorCode, string>> = {
  INTERNAL: 'internal server error',
  STORE_UNAVAILABLE: 'the object store is unavailable; try again later',
  INDEX_UNAVAILABLE: 'the metrics index is unavailable; try again later',
  TIMEOUT: 'the request timed out; try again later',
};

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string' && (error as Partial<FastifyError>).code!.startsWith('FST_');
}

/**
 * The body types the API reads, for the message of a body it cannot. curl's `-d`/`--data-binary`
 * send `application/x-www-form-urlencoded` unless told otherwise: the usual way to meet this.
 */
const BODY_TYPES_HINT =
  "set the body's content-type header (curl -H 'content-type: …'): text/csv, application/gzip, application/vnd.apache.parquet or application/octet-stream for POST /datasets; application/json or application/yaml for POST /sweeps and POST /sweeps/:id/trials; application/json for other routes";

/** Maps fastify's own errors (body parsing, limits, routing) onto sweepq codes. */
function fromFastifyError(error: FastifyError, contentType: string | undefined): SweepqError {
  const status = error.statusCode ?? 500;
  if (status === 413) return new SweepqError('PAYLOAD_TOO_LARGE', 'request body is too large');
  if (status === 404) return new SweepqError('NOT_FOUND', error.message);
  if (status === 415) {
    const type = (contentType ?? '').split(';')[0]!.trim().slice(0, 100);
    return new SweepqError(
      'UNSUPPORTED_MEDIA_TYPE',
      `this route does not read a body of content-type ${type === '' ? '(none)' : `"${type}"`}: ${BODY_TYPES_HINT}`,
    );
  }
  if (status >= 400 && status < 500) return new SweepqError('INVALID_ARGUMENT', error.message);
  return new SweepqError('INTERNAL', GENERIC_MESSAGES.INTERNAL!, { cause: error });
}

/** Where fastify found a request invalid, in the words of the API's parameters. */
const PART_NAMES: Record<string, string> = { querystring: 'query parameter', params: 'path parameter', body: 'body', headers: 'header' };

/** Converts anything thrown by a route into the SweepqError that is sent (`request`: to name its content type). */
export function toSweepqError(error: unknown, request?: FastifyRequest): SweepqError {
  if (error instanceof SweepqError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    // A request that does not match its route's zod schema: name the first offending field.
    const issue = error.validation[0];
    const part = PART_NAMES[error.validationContext ?? ''] ?? 'request';
    const path = (issue?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const message = `invalid ${part}${path === '' ? '' : ` ${path}`}: ${issue?.message ?? 'invalid value'}`;
    return new SweepqError('INVALID_ARGUMENT', message, {
      ...(path === '' ? {} : { location: { path } }),
      details: error.validation.map((v) => ({ path: v.instancePath, message: v.message })),
    });
  }
  if (isFastifyError(error)) return fromFastifyError(error, request?.headers['content-type']);
  if (isRedisUnavailableError(error)) return new SweepqError('INDEX_UNAVAILABLE', GENERIC_MESSAGES.INDEX_UNAVAILABLE!, { cause: error });
  return new SweepqError('INTERNAL', GENERIC_MESSAGES.INTERNAL!, { cause: error });
}

/** Sends `error` in the API's error shape with its mapped status. */
export function sendError(reply: FastifyReply, error: SweepqError): FastifyReply {
  const status = httpStatusFor(error.code);
  const generic = GENERIC_MESSAGES[error.code];
  const body: ErrorBody = {
    error: status >= 500 && generic !== undefined ? { code: error.code, message: generic } : error.toJSON(),
  };
  // The rate limiter sets its own; other budget refusals (the sweep parser's queue) ask for a second.
  if (error.code === 'RATE_LIMITED' && !reply.hasHeader('retry-after')) reply.header('retry-after', 1);
  if (status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', 1);
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Installs the error and not-found handlers on `app`. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toSweepqError(error, request);
    const status = httpStatusFor(mapped.code);
    if (status >= 500) request.log.error({ err: error, code: mapped.code }, 'request failed');
    else request.log.info({ code: mapped.code, message: mapped.message }, 'request rejected');
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    // The method and path are echoed back URL-decoded by fastify; they come from the caller anyway.
    return sendError(reply, new SweepqError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`));
  });
}
