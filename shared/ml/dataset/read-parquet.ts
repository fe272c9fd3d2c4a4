/**
 * Parquet → column builders with hyparquet (pure JS). Reads one row group at a time through a file
 * handle (the file is never loaded whole) and writes each column chunk straight into the builders.
 * Types come from the Parquet schema: strings and booleans are categorical, numbers numeric, unless
 * the column spec declares otherwise. Codecs: uncompressed, snappy (hyparquet), gzip and brotli
 * (node:zlib); zstd where node:zlib has it (Node ≥ 22.15).
 */
import { open, type FileHandle } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type ColumnMetaData, type Compressors, type FileMetaData } from 'hyparquet';
import { getTreePath } from 'hyparquet/src/schema.js';
import { InvalidInputError } from '../../errors/index.js';
import { CATEGORICAL, ColumnBuilder, NUMERIC } from './column-builder.js';
import { resolveColumnRoles, truncate, type RoleOptions } from './column-roles.js';
import type { BuiltColumns } from './assemble-table.js';
import { columnChunkRange, isFastFlatColumn, readFlatColumnChunk } from './read-parquet-flat.js';

const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;

const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  ...(zstd ? { ZSTD: (input: Uint8Array) => new Uint8Array(zstd(input)) } : {}),
};

export async function readParquetColumns(path: string, options: RoleOptions): Promise<BuiltColumns> {
  const source = options.source;
  const fail = (message: string, cause?: unknown): never => {
    throw new InvalidInputError('INVALID_CSV', `${source}: ${message}`, { cause, location: { file: source } });
  };
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return fail(`cannot open (${(error as NodeJS.ErrnoException).code ?? 'read error'})`, error);
  }
  try {
    const size = (await handle.stat()).size;
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = end ?? size;
        const bytes = new Uint8Array(stop - start);
        let done = 0;
        while (done < bytes.length) {
          const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return bytes.buffer;
      },
    };
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (error) {
      return fail(`not a readable Parquet file (${error instanceof Error ? error.message : String(error)})`, error);
    }
    // Top-level columns (nested ones are not tabular data).
    const top = metadata.schema[0]!;
    const names: string[] = [];
    const textLike: boolean[] = [];
    let at = 1;
    for (let c = 0; c < (top.num_children ?? 0); c++) {
      const element = metadata.schema[at]!;
      if ((element.num_children ?? 0) > 0) fail(`column "${truncate(element.name)}" is nested (a struct or list); flatten it first`);
      names.push(element.name);
      textLike.push(element.type === 'BYTE_ARRAY' || element.type === 'FIXED_LEN_BYTE_ARRAY' || element.type === 'BOOLEAN');
      at++;
    }
    const roles = resolveColumnRoles(names, options);
    const builders = roles.map((role, c) => {
      if (role.kind === 'skip') return null;
      const declared = role.declared ?? (textLike[c] ? 'categorical' : null);
      return new ColumnBuilder(names[c]!, declared);
    });
    const byName = new Map<string, number>();
    for (let c = 0; c < names.length; c++) if (builders[c]) byName.set(names[c]!, c);
    const wanted = names.filter((_, c) => builders[c] !== null);

    // hyparquet calls onChunk inside promise callbacks it does not await: an exception thrown there
    // would be an unhandled rejection, so the first error is kept and thrown after the read.
    let chunkError: unknown = null;
    const schemaTree = parquetSchema(metadata);
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      const groupEnd = groupStart + groupRows;
      for (const builder of builders) if (builder) builder.ensureRow(Math.max(0, groupEnd - 1));
      // The fast-path columns' bytes of this row group in one read (one await instead of one per column).
      const fastMeta = new Map<string, ColumnMetaData>();
      let lo = Number.POSITIVE_INFINITY;
      let hi = 0;
      for (const name of wanted) {
        const meta = group.columns.find((column) => column.meta_data?.path_in_schema.length === 1 && column.meta_data.path_in_schema[0] === name)?.meta_data;
        const builder = builders[byName.get(name)!]!;
        if (meta && isFastFlatColumn(getTreePath(schemaTree, [name])) && (builder.kind === CATEGORICAL || meta.type !== 'BYTE_ARRAY')) {
          fastMeta.set(name, meta);
          const range = columnChunkRange(meta);
          lo = Math.min(lo, range.start);
          hi = Math.max(hi, range.end);
        }
      }
      const groupBytes = fastMeta.size > 0 ? new Uint8Array(await file.slice(lo, hi)) : new Uint8Array(0);
      // One column at a time: only one decoded column chunk is alive at once (hyparquet decodes the
      // columns of a read concurrently, so reading a whole row group would hold all of them).
      for (const name of wanted) {
        const c = byName.get(name)!;
        const chunkMeta = fastMeta.get(name);
        // Numbers and text read in place; other columns (nested, logical types) go through hyparquet.
        if (chunkMeta) {
          const range = columnChunkRange(chunkMeta);
          try {
            readFlatColumnChunk(
              groupBytes.subarray(range.start - lo, range.end - lo),
              chunkMeta,
              getTreePath(schemaTree, [name]),
              builders[c]!,
              roles[c]!.kind === 'target',
              groupStart,
              groupRows,
              COMPRESSORS,
              source,
            );
          } catch (error) {
            if (error instanceof InvalidInputError) throw error;
            return fail(
              `cannot decode column "${truncate(name)}" in the row group at row ${groupStart} (${error instanceof Error ? error.message : String(error)})`,
              error,
            );
          }
          continue;
        }
        try {
          await parquetRead({
            file,
            metadata,
            columns: [name],
            rowStart: groupStart,
            rowEnd: groupEnd,
            compressors: COMPRESSORS,
            onChunk: (chunk) => {
              if (chunk.columnName !== name || chunkError !== null) return;
              const from = Math.max(chunk.rowStart, groupStart);
              const to = Math.min(chunk.rowEnd, groupEnd);
              try {
                writeChunk(builders[c]!, roles[c]!.kind === 'target', chunk.columnData as ArrayLike<unknown>, chunk.rowStart, from, to, source);
              } catch (error) {
                chunkError = error;
              }
            },
          });
        } catch (error) {
          if (error instanceof InvalidInputError) throw error;
          return fail(
            `cannot decode column "${truncate(name)}" in the row group at row ${groupStart} (${error instanceof Error ? error.message : String(error)})`,
            error,
          );
        }
        if (chunkError !== null) throw chunkError as Error;
      }
      if (chunkError !== null) throw chunkError as Error;
      groupStart = groupEnd;
    }
    if (groupStart === 0) fail('has no rows');
    return { source, names, roles, builders, nRows: groupStart };
  } finally {
    await handle.close();
  }
}

/** Writes rows [from, to) of a decoded chunk (whose first value is row `chunkStart`) into a builder. */
function writeChunk(builder: ColumnBuilder, isTarget: boolean, data: ArrayLike<unknown>, chunkStart: number, from: number, to: number, source: string): void {
  for (let row = from; row < to; row++) {
    const raw = data[row - chunkStart];
    const blockIndex = row >>> 16;
    const offset = row & 0xffff;
    if (raw === null || raw === undefined || (typeof raw === 'number' && raw !== raw)) {
      if (isTarget) {
        throw new InvalidInputError(
          'INVALID_CSV',
          `${source} row ${row + 1}, column "${truncate(builder.name)}": missing target value; every row needs a target (drop the rows without one)`,
          {
            location: { file: source, path: `row ${row + 1}` },
          },
        );
      }
      if (builder.kind === NUMERIC) builder.numBlocks[blockIndex]![offset] = Number.NaN;
      else builder.catBlocks[blockIndex]![offset] = -1;
      continue;
    }
    if (builder.kind === NUMERIC) {
      const value = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : Number.NaN;
      if (typeof raw === 'number' || typeof raw === 'bigint') {
        builder.numBlocks[blockIndex]![offset] = value;
        continue;
      }
      if (builder.declared === 'numeric') {
        throw new InvalidInputError(
          'INVALID_CSV',
          `${source} row ${row + 1}, column "${truncate(builder.name)}": ${truncate(cellText(raw))} is not a number, but the column is declared numeric`,
          {
            location: { file: source, path: `row ${row + 1}` },
          },
        );
      }
      builder.toCategorical(row, { line: row + 1, value: cellText(raw) });
      builder.ensureRow(to - 1);
    }
    builder.catBlocks[blockIndex]![offset] = builder.codeOfString(textOf(raw));
  }
}

/** A Parquet value as category text: booleans as Python prints them, numbers in shortest form. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** A Parquet cell as text (a category, or an error message): strings as they are, anything else as JSON. */
function cellText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return raw.toString();
  return JSON.stringify(raw, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ?? 'null';
}
