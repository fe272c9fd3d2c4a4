/**
 * The sorted row order of each feature column of a dataset, kept beside its parsed copy
 * (parsed-data-cache.ts) for the parts of split trials (issue 13 item 5 (g)).
 *
 * Tree learners bin a fit's columns from their ascending row order (column-order-cache.ts), sorted once
 * per workspace: ~0.1 s of CPU for 16,000 × 40. A whole trial pays it once; a trial split into fold jobs
 * paid it once per worker, in parallel on every worker's first part, so it never halved. The first
 * process to sort a dataset's columns for a part now writes the orders here, and every later process
 * on this machine seeds its workspace with them: its first fit only validates them (~5 ms).
 *
 * The orders are hints, never trusted: the cache keeps one only if it is a permutation of the rows and
 * checks it against the column's current values like any order it stored, so a stale, foreign or
 * damaged file costs a sort, never a different model.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ColumnOrderCache } from '../ml/models/tree/column-order-cache.js';
import { writeViaTemp } from './write-via-temp.js';

const MAGIC = Buffer.from('SWQORD01', 'latin1');
/**
 * magic, rows, feature count, then per feature a flag (1 = its order follows) and its order: u32s, the
 * header's little-endian, the orders' in this machine's byte order like table-file.ts (a local cache,
 * never shipped).
 */
const HEADER_BYTES = MAGIC.length + 8;

/** Where the orders of a parsed dataset copy are kept: beside it. */
export function columnOrderHintsFile(parsedDataFile: string): string {
  return `${parsedDataFile}.orders`;
}

/**
 * Seeds `cache` from the orders kept beside `parsedDataFile`; returns how many features it seeded (0
 * when there are none, or the file is truncated or not a hints file).
 */
export async function seedColumnOrders(cache: ColumnOrderCache, parsedDataFile: string): Promise<number> {
  const bytes = await readFile(columnOrderHintsFile(parsedDataFile)).catch(() => null);
  if (bytes === null || bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return 0;
  const rows = bytes.readUInt32LE(MAGIC.length);
  const features = bytes.readUInt32LE(MAGIC.length + 4);
  let at = HEADER_BYTES;
  let seeded = 0;
  for (let f = 0; f < features; f++) {
    if (at + 4 > bytes.length) return seeded;
    const present = bytes.readUInt32LE(at);
    at += 4;
    if (present !== 1) continue;
    if (at + rows * 4 > bytes.length) return seeded;
    // A copy (slice): the file's bytes need not be 4-byte aligned in their buffer.
    const order = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + rows * 4));
    at += rows * 4;
    if (cache.seed(f, order)) seeded++;
  }
  return seeded;
}

/**
 * Writes the orders `cache` holds beside `parsedDataFile`, unless they are there already or the data
 * has no parsed copy (small files are never cached: sorting them is cheap too). Failing to write only
 * costs other processes a sort.
 */
export function writeColumnOrderHints(cache: ColumnOrderCache, parsedDataFile: string): void {
  const file = columnOrderHintsFile(parsedDataFile);
  if (existsSync(file) || !existsSync(parsedDataFile)) return;
  const orders = cache.storedOrders();
  // Every stored order covers the same rows (the columns of one table); anything else is not written.
  let rows = 0;
  for (const order of orders) {
    if (order === undefined) continue;
    if (rows !== 0 && order.length !== rows) return;
    rows = order.length;
  }
  if (rows === 0) return;
  const parts: Buffer[] = [MAGIC, u32(rows), u32(orders.length)];
  for (const order of orders) {
    parts.push(u32(order === undefined ? 0 : 1));
    if (order !== undefined) parts.push(Buffer.from(order.buffer, order.byteOffset, order.byteLength));
  }
  // Never thrown: the training process calls this after answering a part, outside any handler.
  writeViaTemp(file, (temp) => writeFileSync(temp, Buffer.concat(parts)));
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}
