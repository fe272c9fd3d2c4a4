/**
 * Object keys come partly from clients (dataset hashes, sweep and trial ids), and the local store turns
 * them into file paths. This check is the gate: no client string becomes a path or an S3 key without it.
 */
import { InvalidInputError } from '../errors/index.js';

/** Longest accepted key; well under S3's 1024-byte limit and typical file system path limits. */
export const MAX_OBJECT_KEY_LENGTH = 512;
/**
 * Longest segment: a segment becomes a file name in the local store (plus an 18-character temp
 * suffix) and MinIO/versitygw refuse segments over 255 bytes; every accepted key must be storable.
 */
export const MAX_SEGMENT_LENGTH = 237;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Asserts `key` is `segment(/segment)*` with segments of `[A-Za-z0-9._-]`, none empty, `.` or `..`,
 * no leading or trailing `/`, at most {@link MAX_OBJECT_KEY_LENGTH} characters.
 * @throws InvalidInputError('INVALID_ARGUMENT') naming the reason (the key itself is echoed JSON-quoted).
 */
export function assertObjectKey(key: string): void {
  const reject = (reason: string): never => {
    const shown = typeof key === 'string' && key.length > 80 ? `${key.slice(0, 80)}…` : key;
    throw new InvalidInputError('INVALID_ARGUMENT', `Invalid object key ${JSON.stringify(shown)}: ${reason}`);
  };
  if (typeof key !== 'string' || key.length === 0) return reject('must be a non-empty string');
  if (key.length > MAX_OBJECT_KEY_LENGTH) return reject(`must be at most ${MAX_OBJECT_KEY_LENGTH} characters`);
  const segments = key.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment.length === 0) return reject('must not start or end with "/" or contain "//"');
    if (segment === '.' || segment === '..') return reject('must not contain "." or ".." segments');
    if (!SEGMENT.test(segment)) return reject('segments may only contain A-Z a-z 0-9 . _ -');
    if (segment.length > MAX_SEGMENT_LENGTH) return reject(`segments must be at most ${MAX_SEGMENT_LENGTH} characters`);
  }
}
