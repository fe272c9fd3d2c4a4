/**
 * Reading a data file into a typed table: CSV (plain or gzip-compressed, streamed in chunks) or
 * Parquet (hyparquet, pure JS, one row group at a time). The format is recognised by its magic bytes
 * (`PAR1`, gzip's 1f 8b), so file names do not matter.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { InvalidInputError } from '../../errors/index.js';
import type { ColumnSpecInput } from '../../schemas/column-spec.schema.js';
import { assembleTable, type AssembleOptions } from './assemble-table.js';
import { CsvTableParser, type Delimiter } from './csv-table-parser.js';
import type { Table, TabularDataset, Task } from './table.js';

export interface ReadTableOptions extends AssembleOptions {
  /** Target column name; null reads features only (prediction input). */
  target: string | null;
  task?: Task | undefined;
  /** `{drop, categorical, numeric}`: column selection and declared types. */
  columns?: ColumnSpecInput | undefined;
  /** CSV delimiter; detected from the header when absent. */
  delimiter?: Delimiter | undefined;
  /** Read only these feature columns (others are skipped unparsed). */
  onlyColumns?: ReadonlySet<string> | undefined;
  /** Name used in error messages and locations (default: the path). */
  source?: string | undefined;
  /** Ignore column-spec entries the file lacks (see Pipeline.predictionReadOptions). */
  lenientSpec?: boolean | undefined;
  /** Read every feature column as numeric: a text cell is an error naming its line and column. */
  numericFeatures?: boolean | undefined;
}

/** Bytes read per chunk from disk. */
const CHUNK_BYTES = 1 << 20;

/**
 * Lets gunzip (on the libuv thread pool) run up to 8 MiB ahead of the parser: with the default 16 KiB
 * of readable buffering the two take turns instead of overlapping. Passed through to the Transform.
 */
const GUNZIP_BUFFERING = { highWaterMark: 8 << 20 } as object;

export type FileFormat = 'csv' | 'csv.gz' | 'parquet';

/** Recognises a file's format from its first bytes. */
export function detectFormat(head: Uint8Array): FileFormat {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'csv.gz';
  return 'csv';
}

/**
 * Reads a CSV, gzip-compressed CSV or Parquet file into a table.
 * @throws InvalidInputError INVALID_CSV (file, line, column) for unreadable or malformed data,
 *   INVALID_SPEC for a column spec that does not fit the file.
 */
export async function readTable(path: string, options: ReadTableOptions & { target: string }): Promise<TabularDataset>;
export async function readTable(path: string, options: ReadTableOptions & { target: null }): Promise<Table>;
export async function readTable(path: string, options: ReadTableOptions): Promise<Table | TabularDataset>;
export async function readTable(path: string, options: ReadTableOptions): Promise<Table | TabularDataset> {
  const source = options.source ?? path;
  const format = detectFormat(await readHead(path, source));
  if (format === 'parquet') {
    // Loaded on first use: the Parquet reader (hyparquet) is ~80 ms of module loading in every process
    // that reads a table, most of which only ever read CSV (issue 13, fixed costs).
    const { readParquetColumns } = await import('./read-parquet.js');
    const built = await readParquetColumns(path, { ...options, source });
    return assembleTable(built, { ...options, withTarget: options.target !== null });
  }
  const parser = new CsvTableParser({ ...options, source });
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const chunks = format === 'csv.gz' ? stream.pipe(createGunzip({ chunkSize: CHUNK_BYTES, ...GUNZIP_BUFFERING })) : stream;
  try {
    for await (const chunk of chunks) parser.push(chunk as Buffer);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new InvalidInputError('INVALID_CSV', `cannot read ${source} (${reason})${format === 'csv.gz' ? '; is the gzip file complete?' : ''}`, {
      cause: error,
      location: { file: source },
    });
  } finally {
    stream.destroy();
  }
  return assembleTable(parser.finish(), { ...options, withTarget: options.target !== null });
}

/**
 * Parses CSV bytes (or text) held in memory — gzip-compressed bytes too — with the same parser as
 * {@link readTable}, fed in chunks.
 */
export function parseTable(data: Uint8Array | string, options: ReadTableOptions & { target: string }): TabularDataset;
export function parseTable(data: Uint8Array | string, options: ReadTableOptions & { target: null }): Table;
export function parseTable(data: Uint8Array | string, options: ReadTableOptions): Table | TabularDataset;
export function parseTable(data: Uint8Array | string, options: ReadTableOptions): Table | TabularDataset {
  const source = options.source ?? 'CSV';
  let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (detectFormat(bytes) === 'parquet') {
    throw new InvalidInputError('INVALID_CSV', `${source} is a Parquet file; read it with readTable(path)`, { location: { file: source } });
  }
  if (detectFormat(bytes) === 'csv.gz') {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new InvalidInputError('INVALID_CSV', `${source}: invalid gzip data (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
        location: { file: source },
      });
    }
  }
  const parser = new CsvTableParser({ ...options, source });
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) parser.push(bytes.subarray(at, Math.min(bytes.length, at + CHUNK_BYTES)));
  return assembleTable(parser.finish(), { ...options, withTarget: options.target !== null });
}

/** A data file's format, from its first bytes. @throws InvalidInputError INVALID_CSV when unreadable. */
export async function detectFileFormat(path: string, source: string = path): Promise<FileFormat> {
  return detectFormat(await readHead(path, source));
}

async function readHead(path: string, source: string): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new InvalidInputError('INVALID_CSV', `cannot read data file ${source} (${reason}); check the path and permissions`, {
      cause: error,
      location: { file: source },
    });
  }
}
