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
import { dottedPath, isRequestPart, requestIssueMessage, type RequestPart } from './request-issue-message.js';

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
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new SweepqError(
      'INVALID_ARGUMENT',
      "the request body is empty while its content-type is application/json: send a JSON object (e.g. '{}'), or leave the content-type header out when there is no body",
    );
  if (status >= 400 && status < 500) return new SweepqError('INVALID_ARGUMENT', error.message);
  return new SweepqError('INTERNAL', GENERIC_MESSAGES.INTERNAL!, { cause: error });
}

/** The values of the request part fastify found invalid, and the route's schema of it. */
function partOf(request: FastifyRequest | undefined, part: RequestPart): { schema: unknown; values: unknown } {
  const schema = request?.routeOptions.schema?.[part];
  const values = part === 'querystring' ? request?.query : part === 'params' ? request?.params : part === 'body' ? request?.body : request?.headers;
  return { schema, values };
}

/** Converts anything thrown by a route into the SweepqError that is sent (`request`: to name its content type). */
export function toSweepqError(error: unknown, request?: FastifyRequest): SweepqError {
  if (error instanceof SweepqError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    // A request that does not match its route's zod schema: name the first offending field, worded
    // like a sweep file's problems (what, where, how to fix), never in zod's words.
    const part: RequestPart = isRequestPart(error.validationContext) ? error.validationContext : 'body';
    const { schema, values } = partOf(request, part);
    const details = error.validation.map((v) => ({
      path: v.instancePath,
      message: requestIssueMessage(part, { ...v, params: v.params }, schema, values),
    }));
    const path = dottedPath(error.validation[0]?.instancePath ?? '');
    return new SweepqError('INVALID_ARGUMENT', details[0]?.message ?? `invalid ${part}`, { ...(path === '' ? {} : { location: { path } }), details });
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
