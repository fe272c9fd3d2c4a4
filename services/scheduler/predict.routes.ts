/**
 * `POST /sweeps/:id/best/predict`: scores rows with a sweep's best trial (or the best by `?metric=`),
 * taking the bodies of MLflow's `/invocations` (JSON `dataframe_split`, `dataframe_records`,
 * `instances`, `inputs`; `text/csv`) and answering `{"predictions": [...]}` as `sweepq serve` does
 * (shared/serving/scorer.ts), with the trial served in `x-sweepq-trial-id`. Errors keep the API's
 * shape (`{"error": {code, message, location, details}}`): a missing column, a value of the wrong type
 * → 400 naming the column (and row); too many rows or too large a body → 413; another content type → 415.
 *
 * Role `read`: predicting reveals no more than the trial's metrics do, and the route changes nothing.
 * As a POST it spends the client's write budget of the rate limiter (rate-limit.ts budgets by method):
 * the route is for checks and light use; `sweepq serve` is the server for traffic.
 * Scoring runs in the scoring thread (scoring-pool.ts), never on the event loop.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiErrorBodySchema, BestQuerySchema, SweepParamsSchema } from '../../shared/schemas/api.schema.js';
import { parseProbaFlag, SCORING_CONTENT_TYPES, type ScoringPool } from '../../shared/serving/index.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';

export interface PredictRoutesOptions {
  service: SweepClient;
  pool: ScoringPool;
  /** Most rows per request (SWEEPQ_PREDICT_MAX_ROWS). */
  maxRows: number;
  /** Largest request body (SWEEPQ_PREDICT_BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
}

const PredictQuerySchema = BestQuerySchema.extend({
  proba: z.enum(['true', 'false', '1', '0', '']).optional().describe('answer class probabilities (classifiers)'),
});

/** The answer, as MLflow's scoring server gives it (documented here; written as text by the scorer). */
const PredictionsSchema = z.object({
  predictions: z.array(z.unknown()).describe('one per row: class labels, {label, probability_<class>...} records with proba, or values for regressors'),
});

/** Sends the scorer's JSON text as is (it is built from typed arrays, never re-serialized). */
function sendPredictions(reply: FastifyReply, trialId: string, answer: string): FastifyReply {
  return reply
    .header('x-sweepq-trial-id', trialId)
    .type('application/json')
    .serializer((payload) => payload as string)
    .send(answer);
}

const errors = {
  400: ApiErrorBodySchema,
  401: ApiErrorBodySchema,
  403: ApiErrorBodySchema,
  404: ApiErrorBodySchema,
  413: ApiErrorBodySchema,
  415: ApiErrorBodySchema,
  429: ApiErrorBodySchema,
  503: ApiErrorBodySchema,
};

/** Registers the route in its own context: it reads every body as bytes (the scorer picks the parser). */
export function registerPredictRoutes(fastify: FastifyInstance, options: PredictRoutesOptions): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { service, pool, maxRows } = options;
  app.removeAllContentTypeParsers();
  // Every type reaches the scorer, which answers 415 naming the types it reads.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.post(
    '/sweeps/:id/best/predict',
    {
      bodyLimit: options.bodyLimitBytes,
      config: { role: 'read' },
      schema: {
        summary: `score rows with the best trial's pipeline (MLflow /invocations bodies: ${SCORING_CONTENT_TYPES.join(' or ')})`,
        tags: ['trials'],
        params: SweepParamsSchema,
        querystring: PredictQuerySchema,
        response: { 200: PredictionsSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const best = await service.best(id, request.query.metric);
      const body: unknown = request.body;
      const answer = await pool.score({
        // The artefact key names one attempt's immutable file; a trial without one fails in service.artifact.
        key: best.artifact ?? best.id,
        loadArtifact: () => service.artifact(id, best.id),
        body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
        contentType: request.headers['content-type'],
        proba: parseProbaFlag(request.query.proba),
        maxRows,
      });
      return sendPredictions(reply, best.id, answer);
    },
  );
}
