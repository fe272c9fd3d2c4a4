/**
 * Typed tables as one binary file: their columns' typed arrays as raw bytes in this machine's byte order (a local cache, never shipped), then a
 * JSON header (names, types, categories, classes, the body's sha256), its byte length and a magic. A
 * table written here reads back equal to the one written, value for value (NaN and -1 codes
 * included), without parsing text — see parsed-data-cache.ts, which keeps the parsed train/test pair of
 * a dataset this way.
 *
 * The arrays are written one by one (never gathered into one buffer: a large table would need twice
 * its memory under the training process's address-space limit), each padded to 8 bytes so that reading
 * can view the file's bytes as Float64Array/Int32Array without copying them.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Column, TabularDataset, Target } from './table.js';

const MAGIC = Buffer.from('SWQTBL01', 'latin1');
const ALIGN = 8;

const HeaderSchema = z.strictObject({
  v: z.literal(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bodyBytes: z.number().int().min(0),
  tables: z.array(
    z.strictObject({
      nRows: z.number().int().min(0),
      columns: z.array(
        z.union([
          z.strictObject({ type: z.literal('numeric'), name: z.string() }),
          z.strictObject({ type: z.literal('categorical'), name: z.string(), categories: z.array(z.string()) }),
        ]),
      ),
      target: z.union([
        z.strictObject({ task: z.literal('classification'), name: z.string(), classes: z.array(z.string()) }),
        z.strictObject({ task: z.literal('regression'), name: z.string() }),
      ]),
    }),
  ),
});
type Header = z.infer<typeof HeaderSchema>;

/** The typed arrays of a table in file order: each column, then the target. */
function arraysOf(table: TabularDataset): Array<Float64Array | Int32Array> {
  const arrays: Array<Float64Array | Int32Array> = [];
  for (const column of table.columns) arrays.push(column.type === 'numeric' ? column.values : column.codes);
  arrays.push(table.target.y);
  return arrays;
}

function padded(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** Writes `tables` to `file` (created or truncated). Callers write to a temp name and rename. */
export function writeTablesFile(file: string, tables: readonly TabularDataset[]): void {
  const hash = createHash('sha256');
  const zeros = Buffer.alloc(ALIGN);
  const fd = openSync(file, 'w');
  try {
    let bodyBytes = 0;
    for (const table of tables) {
      for (const array of arraysOf(table)) {
        const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
        const pad = zeros.subarray(0, padded(bytes.length) - bytes.length);
        hash.update(bytes).update(pad);
        writeSync(fd, bytes);
        writeSync(fd, pad);
        bodyBytes += bytes.length + pad.length;
      }
    }
    const header: Header = {
      v: 1,
      sha256: hash.digest('hex'),
      bodyBytes,
      tables: tables.map((table) => ({
        nRows: table.nRows,
        columns: table.columns.map((c) =>
          c.type === 'numeric' ? { type: 'numeric' as const, name: c.name } : { type: 'categorical' as const, name: c.name, categories: [...c.categories] },
        ),
        target:
          table.target.task === 'classification'
            ? { task: 'classification' as const, name: table.target.name, classes: [...table.target.classes] }
            : { task: 'regression' as const, name: table.target.name },
      })),
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    writeSync(fd, json);
    writeSync(fd, length);
    writeSync(fd, MAGIC);
  } finally {
    closeSync(fd);
  }
}

/**
 * The tables of a file written by {@link writeTablesFile}, or null when it is not one, is truncated or
 * its bytes do not match their checksum (the caller then reads the source again).
 */
export async function readTablesFile(file: string): Promise<TabularDataset[] | null> {
  const bytes = await readFile(file);
  const end = bytes.length - MAGIC.length;
  if (end < 4 || !bytes.subarray(end).equals(MAGIC)) return null;
  const jsonBytes = bytes.readUInt32LE(end - 4);
  const jsonStart = end - 4 - jsonBytes;
  if (jsonStart < 0) return null;
  let header: Header;
  try {
    header = HeaderSchema.parse(JSON.parse(bytes.toString('utf8', jsonStart, end - 4)));
  } catch {
    return null;
  }
  if (header.bodyBytes !== jsonStart) return null;
  if (createHash('sha256').update(bytes.subarray(0, jsonStart)).digest('hex') !== header.sha256) return null;
  // readFile gives a large file its own ArrayBuffer; a pooled small one may sit at an unaligned offset.
  const body = bytes.byteOffset % ALIGN === 0 ? bytes : Buffer.from(bytes.subarray(0, jsonStart));
  let offset = 0;
  const take = <A extends Float64Array | Int32Array>(
    kind: { new (buffer: ArrayBuffer, offset: number, length: number): A; BYTES_PER_ELEMENT: number },
    n: number,
  ): A | null => {
    const length = n * kind.BYTES_PER_ELEMENT;
    if (offset + length > jsonStart) return null;
    const array = new kind(body.buffer, body.byteOffset + offset, n);
    offset += padded(length);
    return array;
  };
  const tables: TabularDataset[] = [];
  for (const t of header.tables) {
    const columns: Column[] = [];
    for (const c of t.columns) {
      if (c.type === 'numeric') {
        const values = take(Float64Array, t.nRows);
        if (values === null) return null;
        columns.push({ type: 'numeric', name: c.name, values });
      } else {
        const codes = take(Int32Array, t.nRows);
        if (codes === null) return null;
        columns.push({ type: 'categorical', name: c.name, codes, categories: c.categories });
      }
    }
    let target: Target;
    if (t.target.task === 'classification') {
      const y = take(Int32Array, t.nRows);
      if (y === null) return null;
      target = { task: 'classification', name: t.target.name, y, classes: t.target.classes };
    } else {
      const y = take(Float64Array, t.nRows);
      if (y === null) return null;
      target = { task: 'regression', name: t.target.name, y };
    }
    tables.push({ nRows: t.nRows, columns, target });
  }
  return offset === jsonStart ? tables : null;
}
