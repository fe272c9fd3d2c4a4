/**
 * The bundle upload routes of the HTTP API (issue 14): `POST /bundles` offers a manifest, `PUT
 * /bundles/blobs/:sha256` sends one missing file content. Shared by the routes and the HTTP client.
 */
import { z } from 'zod';
import { Sha256Schema } from './sweep-context.schema.js';

export const BundleOfferBodySchema = z.strictObject({
  /** The manifest text exactly as hashed: its sha256 is the bundle's id. */
  manifest: z.string().min(1),
});

export const BundleOfferSchema = z.object({
  sha256: Sha256Schema,
  stored: z.boolean().describe('true once the bundle is whole in the store and can be named in a sweep as program.bundle: {sha256}'),
  missing: z.array(Sha256Schema).describe('file contents (by sha256) to send with PUT /bundles/blobs/:sha256 before offering again'),
});
export type BundleOfferResult = z.infer<typeof BundleOfferSchema>;

export const BlobParamsSchema = z.object({ sha256: z.string().max(64) });
export const BlobUploadResultSchema = z.object({ sha256: Sha256Schema });
