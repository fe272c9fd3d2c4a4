/**
 * `sweepq serve`'s HTTP server: MLflow's scoring contract (mlflow/pyfunc/scoring_server) for one
 * loaded pipeline, so clients written for `mlflow models serve` work unchanged:
 *
 * - `POST /invocations`: JSON (`dataframe_split`, `dataframe_records`, `instances`, `inputs`, optional
 *   `params`) or `text/csv` → `{"predictions": [...]}` (see shared/serving/scorer.ts);
 * - `GET /ping`, `GET /health`: 200 once the model is loaded (it is loaded before the server listens);
 * - `GET /version`: the sweepq version (MLflow answers its own version here).
 *
 * Errors have MLflow's shape, `{"error_code": "BAD_REQUEST", "message": "..."}`, plus `location` and
 * `details` (the column, the row) when sweepq knows them; bad input is always a 4xx (400, 413 past the
 * row or body limit, 415 for another content type), never a 5xx.
 *
 * No authentication, like MLflow's server: it binds to loopback by default. Scoring runs on the event
 * loop (one request at a time per process); a batch of N rows blocks `/ping` for its scoring time.
 */
import { createRequire } from 'node:module';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { httpStatusFor, SweepqError } from '../../shared/errors/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { parseProbaFlag, type Scorer } from '../../shared/serving/index.js';
import { toSweepqError } from '../scheduler/error-handler.js';

export interface ScoringAppOptions {
  scorer: Scorer;
  /** Most rows per request. */
  maxRows: number;
  /** Largest request body. */
  bodyLimitBytes: number;
  logger: Logger;
}

/** Idle time before a fresh connection that sent nothing is closed. */
const CONNECTION_TIMEOUT_MS = 30_000;
/** Time to receive one request's headers and body (slow-loris bound). */
const REQUEST_TIMEOUT_MS = 120_000;

function packageVersion(): string {
  // dist/services/serving/ → the package root is three levels up; same depth from the sources.
  const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
  return pkg.version;
}

/** MLflow's `error_code` for an HTTP status (mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS, reversed). */
function mlflowErrorCode(status: number): string {
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}

function sendMlflowError(reply: FastifyReply, error: SweepqError): FastifyReply {
  const status = httpStatusFor(error.code);
  const body = error.toJSON();
  return reply
    .status(status)
    .type('application/json')
    .send({
      error_code: mlflowErrorCode(status),
      // Server-side failures never leak their text (it may hold paths or a stack).
      message: status >= 500 ? 'internal error while scoring' : body.message,
      ...(status >= 500 || body.location === undefined ? {} : { location: body.location }),
      ...(status >= 500 || body.details === undefined ? {} : { details: body.details }),
    });
}

/** Builds the server (not listening). The caller listens and closes. */
export function buildScoringApp(options: ScoringAppOptions): FastifyInstance {
  const { scorer, maxRows } = options;
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'serve' }),
    bodyLimit: options.bodyLimitBytes,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    return503OnClosing: true,
    // A log line per request would cost more than scoring one row.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;

  // Every body arrives as bytes: the scorer picks the parser from the Content-Type (and answers 415
  // for one it does not read), so that JSON is parsed once, by the scorer, with MLflow's NaN literals.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toSweepqError(error);
    if (httpStatusFor(mapped.code) >= 500) request.log.error({ err: error, code: mapped.code }, 'scoring failed');
    return sendMlflowError(reply, mapped);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendMlflowError(
      reply,
      new SweepqError(
        'NOT_FOUND',
        `no route ${request.method} ${request.url.split('?')[0] ?? ''}: the scoring server answers POST /invocations, GET /ping, /health and /version`,
      ),
    ),
  );

  const ping = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => reply.type('application/json').send('\n');
  app.get('/ping', ping);
  app.get('/health', ping);
  const version = packageVersion();
  app.get('/version', async (_request, reply) => reply.type('text/plain; charset=utf-8').send(version));

  app.post('/invocations', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const body = request.body;
    const answer = scorer.score(
      { body: Buffer.isBuffer(body) ? body : Buffer.alloc(0), contentType: request.headers['content-type'], proba: parseProbaFlag(request.query.proba) },
      { maxRows },
    );
    return reply.type('application/json').send(answer);
  });
  return app;
}
