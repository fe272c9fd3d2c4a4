/**
 * The server's side of a bundle upload over the HTTP API (issue 14): the client offers the bundle's
 * manifest; the server answers which blobs it lacks (none when the bundle is already stored: nothing
 * is uploaded twice), takes each missing blob streamed and checked against its hash, and stores the
 * manifest once every blob is there — the same all-or-nothing order as a direct upload (manifest
 * last: a manifest in the store means a whole bundle).
 *
 * Every manifest is checked before anything is stored: paths relative and inside the bundle (no `..`,
 * no absolute path, no case-folded duplicate), at most MAX_BUNDLE_FILES files and MAX_BUNDLE_BYTES in
 * all; a blob is refused past MAX_BUNDLE_BYTES or when its bytes do not hash to its name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError } from '../errors/index.js';
import type { BundleOfferResult } from '../schemas/bundle-api.schema.js';
import { Sha256Schema } from '../schemas/sweep-context.schema.js';
import type { ObjectStore } from '../store/object-store.js';
import { BundleManifestSchema, MAX_BUNDLE_BYTES, MAX_BUNDLE_FILES, blobKey, bundleKey, type BundleManifest } from './program-bundle.js';

/** Longest manifest text: MAX_BUNDLE_FILES entries of a long path each. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

export class BundleIntake {
  constructor(
    private readonly store: ObjectStore,
    /** Scratch folder for blobs being received (hashed while written, removed after). */
    private readonly scratchDir: string,
  ) {}

  /**
   * Offers a bundle by its manifest text (its sha256 is the bundle's id).
   * @throws InvalidInputError INVALID_SPEC / LIMIT_EXCEEDED naming what is wrong with the manifest.
   */
  async offer(manifestText: string): Promise<BundleOfferResult> {
    if (Buffer.byteLength(manifestText) > MAX_MANIFEST_BYTES)
      throw new InvalidInputError('PAYLOAD_TOO_LARGE', `the bundle manifest is larger than ${MAX_MANIFEST_BYTES} bytes (bundle the code only)`);
    const sha256 = createHash('sha256').update(manifestText).digest('hex');
    if (await this.store.exists(bundleKey(sha256))) return { sha256, stored: true, missing: [] };
    const manifest = parseManifest(manifestText);
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const file of manifest.files) {
      if (seen.has(file.sha256)) continue;
      seen.add(file.sha256);
      if (!(await this.store.exists(blobKey(file.sha256)))) missing.push(file.sha256);
    }
    if (missing.length > 0) return { sha256, stored: false, missing };
    await this.store.put(bundleKey(sha256), manifestText, { contentType: 'application/json' });
    return { sha256, stored: true, missing: [] };
  }

  /**
   * Stores one blob, streamed: refused past MAX_BUNDLE_BYTES or when its bytes do not hash to
   * `sha256` (nothing kept either way). Storing a blob that exists already changes nothing.
   */
  async putBlob(sha256: string, body: Readable): Promise<void> {
    if (!Sha256Schema.safeParse(sha256).success)
      throw new InvalidInputError('INVALID_ARGUMENT', `${JSON.stringify(sha256.slice(0, 80))} is not a blob name (a sha256: 64 lowercase hex digits)`);
    await mkdir(this.scratchDir, { recursive: true });
    const file = path.join(this.scratchDir, `blob-${randomBytes(8).toString('hex')}.part`);
    try {
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > MAX_BUNDLE_BYTES) {
            callback(
              new InvalidInputError(
                'PAYLOAD_TOO_LARGE',
                `a bundle file is more than ${MAX_BUNDLE_BYTES / 1048576} MiB (bundle the code only; data goes through datasets)`,
              ),
            );
            return;
          }
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      await pipeline(body, meter, createWriteStream(file));
      const actual = hash.digest('hex');
      if (actual !== sha256)
        throw new InvalidInputError(
          'INVALID_ARGUMENT',
          `the uploaded bytes hash to ${actual}, not to the blob name ${sha256} (a corrupted transfer; upload again)`,
        );
      if (!(await this.store.exists(blobKey(sha256)))) await this.store.putFile(blobKey(sha256), file);
    } finally {
      await rm(file, { force: true });
    }
  }
}

/** The manifest, checked: schema (relative paths inside the bundle), no duplicate path, bounded in size. */
function parseManifest(text: string): BundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError('INVALID_SPEC', 'the bundle manifest is not JSON (send the manifest `sweepq submit` builds)');
  }
  const parsed = BundleManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(
      'INVALID_SPEC',
      `the bundle manifest at ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'} (at most ${MAX_BUNDLE_FILES} files, relative paths inside the bundle)`,
    );
  }
  const paths = new Set<string>();
  let total = 0;
  for (const file of parsed.data.files) {
    const folded = file.path.toLowerCase();
    if (paths.has(folded))
      throw new InvalidInputError('INVALID_SPEC', `the bundle manifest lists ${file.path} twice (paths differing only in case count as one)`);
    paths.add(folded);
    total += file.bytes;
  }
  if (total > MAX_BUNDLE_BYTES)
    throw new InvalidInputError(
      'LIMIT_EXCEEDED',
      `the bundle holds ${total} bytes, more than ${MAX_BUNDLE_BYTES / 1048576} MiB (bundle the code only; data goes through datasets)`,
    );
  return parsed.data;
}
