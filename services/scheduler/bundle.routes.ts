/**
 * Program bundle upload over the HTTP API (issue 14), so `sweepq submit` of a sweep with
 * `program.bundle: ./src` works against a remote scheduler: `POST /bundles` offers the manifest and
 * learns which file contents are missing (none when the bundle is stored already: nothing is sent
 * twice), `PUT /bundles/blobs/:sha256` streams each one. Both need the program role, as submitting a
 * program sweep does: a bundle is code the workers will run. HTTP only: the checks are in
 * shared/program/bundle-intake.ts. Registered in its own context (fastify's JSON parser, and blob
 * bodies as streams).
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { InvalidInputError } from '../../shared/errors/index.js';
import { MAX_BUNDLE_BYTES } from '../../shared/program/program-bundle.js';
import { MAX_MANIFEST_BYTES, type BundleIntake } from '../../shared/program/bundle-intake.js';
import { ApiErrorBodySchema } from '../../shared/schemas/api.schema.js';
import { BlobParamsSchema, BlobUploadResultSchema, BundleOfferBodySchema, BundleOfferSchema } from '../../shared/schemas/bundle-api.schema.js';

const errors = {
  400: ApiErrorBodySchema,
  401: ApiErrorBodySchema,
  403: ApiErrorBodySchema,
  413: ApiErrorBodySchema,
  415: ApiErrorBodySchema,
  429: ApiErrorBodySchema,
  503: ApiErrorBodySchema,
};

export function registerBundleRoutes(fastify: FastifyInstance, intake: BundleIntake): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Blob bodies stay streams: hashed and stored without being held in memory.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post(
    '/bundles',
    {
      // JSON escaping can double a manifest's size.
      bodyLimit: 2 * MAX_MANIFEST_BYTES,
      config: { role: 'program' },
      schema: {
        summary: 'offer a program bundle by its manifest: stored when every file content is there, else the missing ones',
        tags: ['bundles'],
        body: BundleOfferBodySchema,
        response: { 200: BundleOfferSchema, ...errors },
      },
    },
    async (request) => intake.offer(request.body.manifest),
  );

  app.put(
    '/bundles/blobs/:sha256',
    {
      config: { role: 'program' },
      schema: {
        summary: 'upload one file content of a bundle, named by its sha256 (streamed, checked against the name)',
        tags: ['bundles'],
        params: BlobParamsSchema,
        response: { 201: BlobUploadResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/octet-stream')
        throw new InvalidInputError('INVALID_ARGUMENT', `content-type must be application/octet-stream${type === '' ? '' : `, got ${type}`}`);
      const declared = Number(request.headers['content-length'] ?? Number.NaN);
      if (declared > MAX_BUNDLE_BYTES) {
        // Refused before reading a byte.
        request.raw.resume();
        throw new InvalidInputError('PAYLOAD_TOO_LARGE', `the file is ${declared} bytes, more than a bundle may hold (${MAX_BUNDLE_BYTES / 1048576} MiB)`);
      }
      await intake.putBlob(request.params.sha256, request.body as Readable);
      return reply.status(201).send({ sha256: request.params.sha256 });
    },
  );
}
