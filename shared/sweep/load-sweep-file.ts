/**
 * CLI side of a sweep file: read it, validate it, read and validate every local CSV it names, and
 * return the spec rewritten to `{sha256}` references (what the API accepts) plus the bytes to upload.
 * Local paths are relative to the sweep file's folder; absolute paths and `..` are allowed, since the
 * CLI reads files its user names (the server never sees a path).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InvalidInputError } from '../errors/index.js';
import type { Dataset } from '../ml/dataset/dataset.js';
import { parseCsv } from '../ml/dataset/read-csv.js';
import type { LocalFileRef } from '../schemas/dataset-spec.schema.js';
import type { ResolvedSweepSpec, SweepSpec } from '../schemas/sweep-spec.schema.js';
import { MAX_SWEEP_FILE_BYTES, parseResolvedSweepSpec, parseSweepFileText, specError, type Locator } from './parse-sweep-file.js';

/** Largest CSV a sweep file may reference. */
export const MAX_DATASET_FILE_BYTES = 200 * 1024 * 1024;

export type DatasetFileRole = 'csv' | 'train' | 'test';

/** A local CSV named by a sweep file, read and validated, ready to upload. */
export interface LocalDatasetFile {
  role: DatasetFileRole;
  /** The path as shown to the user (the sweep file's folder joined with the reference). */
  path: string;
  /** SHA-256 of `bytes`, lowercase hex: the dataset's store address. */
  sha256: string;
  bytes: Buffer;
}

export interface LoadedSweepFile {
  /** The spec with every local path replaced by `{ sha256 }`. */
  spec: ResolvedSweepSpec;
  files: LocalDatasetFile[];
}

const ROLES: readonly DatasetFileRole[] = ['csv', 'train', 'test'];

/**
 * Reads, validates and resolves a sweep file and the CSVs it references.
 * @throws InvalidInputError `INVALID_SPEC` (sweep file; located at its line), `INVALID_CSV` (a CSV;
 *   located in the CSV), `LIMIT_EXCEEDED` (a file too large).
 */
export async function loadSweepFile(path: string): Promise<LoadedSweepFile> {
  const bytes = await readBounded(path, MAX_SWEEP_FILE_BYTES, 'sweep file', (message, cause) => {
    return new InvalidInputError('INVALID_SPEC', message, { cause, location: { file: path } });
  });
  const text = decodeUtf8(bytes, (line, column) =>
    specError(path, [{ path: '', message: 'the sweep file is not UTF-8 text (save it as UTF-8)', line, column }]),
  );
  const { spec, locate } = parseSweepFileText(text, { source: path });

  const baseDir = dirname(path);
  const files: LocalDatasetFile[] = [];
  const datasets = new Map<DatasetFileRole, Dataset>();
  const resolvedRefs: Partial<Record<DatasetFileRole, { sha256: string }>> = {};
  for (const role of ROLES) {
    const ref: LocalFileRef | undefined = spec.dataset[role];
    if (ref === undefined) continue;
    if (typeof ref !== 'string') {
      resolvedRefs[role] = { sha256: ref.sha256 };
      continue;
    }
    const shown = isAbsolute(ref) ? ref : join(baseDir, ref);
    const file = await readDatasetFile(path, resolve(baseDir, ref), shown, role, locate);
    const csvText = decodeUtf8(file, (line, column) =>
      new InvalidInputError('INVALID_CSV', `${shown} line ${line}: the file is not UTF-8 text (is it a binary file? save the CSV as UTF-8)`, {
        location: { file: shown, line, column },
      }),
    );
    const nul = csvText.indexOf('\u0000');
    if (nul >= 0) {
      const { line, column } = positionOf(csvText, nul);
      throw new InvalidInputError('INVALID_CSV', `${shown} line ${line}: the file contains NUL bytes, so it is binary, not CSV text (export the data as CSV)`, {
        location: { file: shown, line, column },
      });
    }
    datasets.set(role, parseCsv(csvText, { target: spec.dataset.target, source: shown }));
    const sha256 = createHash('sha256').update(file).digest('hex');
    files.push({ role, path: shown, sha256, bytes: file });
    resolvedRefs[role] = { sha256 };
  }

  checkSplitFits(spec, datasets.get('csv'), path, locate);
  const train = datasets.get('train');
  const test = datasets.get('test');
  if (train !== undefined && test !== undefined) {
    checkSameColumns(train, test, files.find((f) => f.role === 'train')?.path ?? 'train', files.find((f) => f.role === 'test')?.path ?? 'test');
  }

  const resolvedSpec = parseResolvedSweepSpec({ ...spec, dataset: { ...spec.dataset, ...resolvedRefs } }, { source: path });
  return { spec: resolvedSpec, files };
}

async function readBounded(
  path: string,
  limit: number,
  what: string,
  unreadable: (message: string, cause: unknown) => InvalidInputError,
): Promise<Buffer> {
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
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw unreadable(`cannot read ${what} ${path} (${code}; check the path and permissions)`, error);
  }
}

/** Reads a referenced CSV; a missing file is a sweep-file error located at the reference. */
function readDatasetFile(sweepPath: string, absolute: string, shown: string, role: DatasetFileRole, locate: Locator): Promise<Buffer> {
  return readBounded(absolute, MAX_DATASET_FILE_BYTES, `dataset.${role} file`, (message, cause) => {
    const position = locate(['dataset', role]);
    const error = specError(sweepPath, [
      {
        path: `dataset.${role}`,
        message: `${message.replace(absolute, shown)} (paths are relative to the sweep file's folder)`,
        ...(position === undefined ? {} : { line: position.line, column: position.column }),
      },
    ], cause);
    return error;
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

/** The test split must leave training rows (scikit-learn's train_test_split rule). */
function checkSplitFits(spec: SweepSpec, dataset: Dataset | undefined, sweepPath: string, locate: Locator): void {
  if (dataset === undefined || spec.split === undefined) return;
  const n = dataset.nRows;
  const testSize = spec.split.test_size;
  const nTest = testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (nTest >= n || nTest < 1) {
    const position = locate(['split', 'test_size']);
    throw specError(sweepPath, [
      {
        path: 'split.test_size',
        message: `test_size ${testSize} gives ${nTest} test rows out of ${n}, leaving ${Math.max(0, n - nTest)} to train on (use a smaller test_size, or more data)`,
        ...(position === undefined ? {} : { line: position.line, column: position.column }),
      },
    ]);
  }
}

/** train and test must have the same feature columns in the same order, and no class unseen in train. */
function checkSameColumns(train: Dataset, test: Dataset, trainPath: string, testPath: string): void {
  const a = train.featureNames;
  const b = test.featureNames;
  let same = a.length === b.length;
  for (let i = 0; same && i < a.length; i++) same = a[i] === b[i];
  if (!same) {
    const onlyTrain = a.filter((name) => !b.includes(name)).slice(0, 5);
    const onlyTest = b.filter((name) => !a.includes(name)).slice(0, 5);
    const detail =
      onlyTrain.length === 0 && onlyTest.length === 0
        ? 'the same columns in a different order'
        : `${onlyTrain.length > 0 ? `only in train: ${onlyTrain.join(', ')}` : ''}${onlyTrain.length > 0 && onlyTest.length > 0 ? '; ' : ''}${onlyTest.length > 0 ? `only in test: ${onlyTest.join(', ')}` : ''}`;
    throw new InvalidInputError('INVALID_CSV', `${testPath}: feature columns differ from ${trainPath} (${detail}); train and test need the same columns in the same order`, {
      location: { file: testPath, line: 1 },
    });
  }
  for (const label of test.classes) {
    if (!train.classes.includes(label)) {
      throw new InvalidInputError('INVALID_CSV', `${testPath}: class "${label.slice(0, 40)}" does not occur in ${trainPath} (a model cannot predict a class it never saw; check the target column)`, {
        location: { file: testPath, line: 1 },
      });
    }
  }
}
