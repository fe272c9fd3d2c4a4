/**
 * Grow-only scratch arrays reused from one query to the next. A 100k-row query needs ~100 KB of mask
 * bytes per boolean level and ~400 KB of candidate ids; allocating them per request turned into
 * garbage-collector pauses in the p99. Queries run synchronously and never nest, so one set per
 * thread (module instance) is safe. Very large requests get fresh arrays that are not kept, so an
 * unusual multi-sweep query does not pin its memory for the life of the process.
 */

/** Larger arrays are allocated per call and not cached. */
const MAX_CACHED_LENGTH = 1 << 21;

const bytes: Uint8Array[] = [];
let items = new Uint32Array(0);
let pairValues = new Float64Array(0);
let pairIds = new Uint32Array(0);

/**
 * A byte array of at least `length` for `slot` (0 = the query mask, 1.. = filter evaluation levels).
 * Its contents are garbage: callers overwrite every element they read.
 */
export function scratchBytes(slot: number, length: number): Uint8Array {
  if (length > MAX_CACHED_LENGTH) return new Uint8Array(length);
  let buffer = bytes[slot];
  if (buffer === undefined || buffer.length < length) {
    buffer = new Uint8Array(Math.max(length, 1024));
    bytes[slot] = buffer;
  }
  return buffer;
}

/** A Uint32Array of at least `length` for candidate item ids; contents are garbage. */
export function scratchItems(length: number): Uint32Array {
  if (length > MAX_CACHED_LENGTH) return new Uint32Array(length);
  if (items.length < length) items = new Uint32Array(Math.max(length, 1024));
  return items;
}

/** Parallel key/id arrays of at least `length` for the numeric deep-page selection; contents are garbage. */
export function scratchPairs(length: number): { values: Float64Array; ids: Uint32Array } {
  if (length > MAX_CACHED_LENGTH) return { values: new Float64Array(length), ids: new Uint32Array(length) };
  if (pairValues.length < length) {
    pairValues = new Float64Array(Math.max(length, 1024));
    pairIds = new Uint32Array(Math.max(length, 1024));
  }
  return { values: pairValues, ids: pairIds };
}
