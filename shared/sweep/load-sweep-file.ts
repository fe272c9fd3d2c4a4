/**
 * CLI side of a sweep file: read it, validate it, check the local data files it names exactly as the
 * server will (typed tables: CSV, gzip CSV or Parquet, streamed — never held whole in memory), and
 * return the spec rewritten to `{sha256}` references (what the API accepts) plus the files to upload.
 * Local paths are relative to the sweep file's folder; absolute paths and `..` are allowed, since the
 * CLI reads files its user names (the server never sees a path).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InvalidInputError } from '../errors/index.js';
import { detectFileFormat } from '../ml/dataset/read-table.js';
import type { LocalFileRef } from '../schemas/dataset-spec.schema.js';
import type { DatasetFormat } from '../schemas/sweep-context.schema.js';
import type { ResolvedSweepSpec } from '../schemas/sweep-spec.schema.js';
import { assertTrialLimit } from '../search/expand-trials.js';
import { sha256OfFile } from './dataset-cache.js';
import {
  MAX_SWEEP_FILE_BYTES,
  parseProgramSweepSpec,
  parseResolvedSweepSpec,
  parseSweepFileText,
  readSweepDocument,
  specError,
  type Locator,
} from './parse-sweep-file.js';
import { isProgramSweepDocument, type ProgramSweepSpec } from '../schemas/program-spec.schema.js';
import { readLocalBundle, type LocalBundle } from '../program/program-bundle.js';
import { checkSweepData, type SweepDataCheck } from './sweep-data.js';

/** Largest data file a sweep file may reference (the server's own upload limit applies as well). */
export const MAX_DATASET_FILE_BYTES = 4 * 1024 * 1024 * 1024;

export type DatasetFileRole = 'csv' | 'train' | 'test';

/** A local data file named by a sweep file, checked, ready to upload (streamed from its path). */
export interface LocalDatasetFile {
  role: DatasetFileRole;
  /** The path as shown to the user (the sweep file's folder joined with the reference). */
  path: string;
  /** Absolute path to read. */
  absolutePath: string;
  /** SHA-256 of the file's bytes, lowercase hex: the dataset's store address. */
  sha256: string;
  format: DatasetFormat;
}

export interface LoadedSweepFile {
  /** The spec with every local path replaced by `{ sha256 }`. */
  spec: ResolvedSweepSpec;
  files: LocalDatasetFile[];
  /** The data checks' findings (task, scoring, schema); null when the data was not all local. */
  data: SweepDataCheck | null;
}

const ROLES: readonly DatasetFileRole[] = ['csv', 'train', 'test'];

/** Options of {@link loadSweepFile}. */
export interface LoadSweepFileOptions {
  /** Refuses a sweep planning more trials, before reading any data. */
  maxTrials?: number;
  /**
   * Called with the planned trial count once the spec is valid, before the data checks (which read
   * every data file): `sweepq run` starts its workers meanwhile (issue 13, fixed costs).
   */
  onPlanned?: (trials: number, kind: 'builtin' | 'program') => void;
}

/**
 * Reads, validates and resolves a sweep file and checks the data files it references; with
 * `maxTrials`, refuses a sweep planning more trials before reading any data.
 * @throws InvalidInputError `INVALID_SPEC` (sweep file; located at its line), `INVALID_CSV` (a data
 *   file; located in it), `LIMIT_EXCEEDED` (a file too large).
 */
export async function loadSweepFile(path: string, options: LoadSweepFileOptions = {}): Promise<LoadedSweepFile> {
  return loadBuiltinSweep(path, await readSweepFileText(path), options);
}

/** A sweep file of either kind: built-in models on data, or a program sweep (issue 14). */
export type LoadedAnySweepFile = ({ kind: 'builtin' } & LoadedSweepFile) | { kind: 'program'; spec: ProgramSweepSpec; bundle: LocalBundle | null };

/**
 * Reads a sweep file of either kind. A program sweep's working directory becomes the sweep file's
 * folder when `localWorkdir` is set (`sweepq run`: the workers run on this machine).
 */
export async function loadAnySweepFile(path: string, options: LoadSweepFileOptions & { localWorkdir?: boolean } = {}): Promise<LoadedAnySweepFile> {
  const text = await readSweepFileText(path);
  const document = readSweepDocument(text, { source: path });
  if (!isProgramSweepDocument(document.value)) return { kind: 'builtin', ...(await loadBuiltinSweep(path, text, options)) };
  const parsed = parseProgramSweepSpec(document.value, { source: path, locate: document.locate });
  if (parsed.program.workdir !== undefined) {
    const position = document.locate(['program', 'workdir']);
    throw specError(path, [
      {
        path: 'program.workdir',
        message: "workdir is set by `sweepq run` (the sweep file's folder); remove it from the sweep file",
        ...(position === undefined ? {} : { line: position.line, column: position.column }),
      },
    ]);
  }
  options.onPlanned?.(assertTrialLimit(parsed, options.maxTrials ?? Number.POSITIVE_INFINITY), 'program');
  const folder = parsed.program.bundle;
  if (typeof folder === 'string') {
    // The program runs in (a copy of) its bundle, wherever the worker is.
    const bundle = await readLocalBundle(resolve(dirname(path), folder)).catch((error: unknown) => {
      throw locatedInSweepFile(error, path, document.locate);
    });
    return { kind: 'program', spec: { ...parsed, program: { ...parsed.program, bundle: { sha256: bundle.sha256 } } }, bundle };
  }
  if (options.localWorkdir !== true) return { kind: 'program', spec: parsed, bundle: null };
  return { kind: 'program', spec: { ...parsed, program: { ...parsed.program, workdir: resolve(dirname(path)) } }, bundle: null };
}

async function readSweepFileText(path: string): Promise<string> {
  const bytes = await readBounded(path, MAX_SWEEP_FILE_BYTES, 'sweep file', (message, cause) => {
    return new InvalidInputError('INVALID_SPEC', message, { cause, location: { file: path } });
  });
  return decodeUtf8(bytes, (line, column) => specError(path, [{ path: '', message: 'the sweep file is not UTF-8 text (save it as UTF-8)', line, column }]));
}

async function loadBuiltinSweep(path: string, text: string, options: LoadSweepFileOptions): Promise<LoadedSweepFile> {
  const { spec, locate } = parseSweepFileText(text, { source: path });

  const baseDir = dirname(path);
  const files: LocalDatasetFile[] = [];
  const resolvedRefs: Partial<Record<DatasetFileRole, { sha256: string }>> = {};
  let remote = false;
  for (const role of ROLES) {
    const ref: LocalFileRef | undefined = spec.dataset[role];
    if (ref === undefined) continue;
    if (typeof ref !== 'string') {
      remote = true;
      resolvedRefs[role] = { sha256: ref.sha256 };
      continue;
    }
    const shown = isAbsolute(ref) ? ref : join(baseDir, ref);
    const absolutePath = resolve(baseDir, ref);
    await checkDatasetFile(path, absolutePath, shown, role, locate);
    const format = await detectFileFormat(absolutePath, shown);
    const sha256 = await sha256OfFile(absolutePath);
    files.push({ role, path: shown, absolutePath, sha256, format });
    resolvedRefs[role] = { sha256 };
  }
  const resolvedSpec = parseResolvedSweepSpec({ ...spec, dataset: { ...spec.dataset, ...resolvedRefs } }, { source: path });
  // Cheap checks first: an oversized grid is refused before its data is read.
  const planned = assertTrialLimit(resolvedSpec, options.maxTrials ?? Number.POSITIVE_INFINITY);
  options.onPlanned?.(planned, 'builtin');

  // The server's data checks, run here first when every file is local: a sweep the server would
  // refuse never uploads its data. A spec naming uploaded {sha256} datasets is checked by the server.
  let data: SweepDataCheck | null = null;
  const train = files.find((f) => f.role === 'csv' || f.role === 'train');
  if (!remote && train !== undefined) {
    const test = files.find((f) => f.role === 'test');
    const split = test !== undefined || resolvedSpec.split === undefined ? null : resolvedSpec.split;
    try {
      data = await checkSweepData(resolvedSpec, split, {
        train: train.absolutePath,
        test: test?.absolutePath ?? null,
        trainSource: train.path,
        ...(test === undefined ? {} : { testSource: test.path }),
      });
    } catch (error) {
      throw locatedInSweepFile(error, path, locate);
    }
  }
  return { spec: resolvedSpec, files, data };
}

/** A spec problem found in the data (split, folds, columns, task) points at its line in the sweep file. */
function locatedInSweepFile(error: unknown, sweepPath: string, locate: Locator): unknown {
  if (!(error instanceof InvalidInputError) || error.code !== 'INVALID_SPEC') return error;
  const reported = error.location?.path;
  if (reported === undefined) return error;
  // The table reader names its own options (`columns.drop`); in a sweep file they sit under dataset.
  const where = reported.startsWith('columns') ? `dataset.${reported}` : reported;
  const segments = where.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let position: { line: number; column: number } | undefined;
  // The nearest located ancestor: a default value (e.g. cv.scoring left out) has no line of its own.
  for (let n = segments.length; position === undefined && n > 0; n--) position = locate(segments.slice(0, n));
  return specError(
    sweepPath,
    [{ path: where, message: error.message, ...(position === undefined ? {} : { line: position.line, column: position.column }) }],
    error,
  );
}

async function readBounded(path: string, limit: number, what: string, unreadable: (message: string, cause: unknown) => InvalidInputError): Promise<Buffer> {
  await statBounded(path, limit, what, unreadable);
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw unreadable(`cannot read ${what} ${path} (${code}; check the path and permissions)`, error);
  }
}

/** Checks `path` is a readable file of at most `limit` bytes. */
async function statBounded(path: string, limit: number, what: string, unreadable: (message: string, cause: unknown) => InvalidInputError): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unreadable(`${path} is not a file (give the path of the ${what})`, undefined);
    size = info.size;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw unreadable(`cannot read ${what} ${path} (${code}; check the path and permissions)`, error);
  }
  if (size > limit) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `${path}: the ${what} is ${(size / 1048576).toFixed(1)} MiB, more than the ${limit / 1048576} MiB limit`, {
      location: { file: path },
      details: { bytes: size, limit },
    });
  }
}

/** Checks a referenced data file exists and fits the size limit; a missing file is a sweep-file error located at the reference. */
async function checkDatasetFile(sweepPath: string, absolute: string, shown: string, role: DatasetFileRole, locate: Locator): Promise<void> {
  await statBounded(absolute, MAX_DATASET_FILE_BYTES, `dataset.${role} file`, (message, cause) => {
    const position = locate(['dataset', role]);
    return specError(
      sweepPath,
      [
        {
          path: `dataset.${role}`,
          message: `${message.replace(absolute, shown)} (paths are relative to the sweep file's folder)`,
          ...(position === undefined ? {} : { line: position.line, column: position.column }),
        },
      ],
      cause,
    );
  });
}

function decodeUtf8(bytes: Buffer, invalid: (line: number, column: number) => InvalidInputError): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const at = lossy.indexOf('\ufffd');
    const { line, column } = positionOf(lossy, at < 0 ? 0 : at);
    throw invalid(line, column);
  }
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
