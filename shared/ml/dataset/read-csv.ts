/**
 * CSV → numeric classification {@link Dataset} (the v1 data model the parity tests, benchmarks and
 * learners' unit tests use). A thin adapter over the table reader ({@link parseTable}): one CSV
 * parser, one number parser, one set of missing tokens and error messages for every CSV sweepq
 * reads. Every feature column must be numeric; for categorical columns read a table instead.
 */
import { InvalidInputError } from '../../errors/index.js';
import { checkTarget } from './data-checks.js';
import type { Dataset } from './dataset.js';
import { parseTable, readTable } from './read-table.js';
import type { Table, TabularDataset } from './table.js';

export interface ParseCsvOptions {
  /**
   * Name of the label column; `null` reads features only (prediction input): `y` is then all zeros and
   * `classes` empty.
   */
  target: string | null;
  /** File name used in error locations and messages. */
  source?: string;
}

/**
 * Parses CSV text (or bytes, gzip-compressed too) into a numeric classification dataset.
 * @throws InvalidInputError `INVALID_CSV` with `location: { file, line, column }` for malformed input,
 *   and for a feature column that is not numeric.
 */
export function parseCsv(data: string | Uint8Array, options: ParseCsvOptions): Dataset {
  const source = options.source ?? 'CSV';
  if (options.target === null) {
    const table = parseTable(data, { target: null, source, numericFeatures: true });
    return { ...numericColumns(table, source), nRows: table.nRows, y: new Int32Array(table.nRows), classes: [] };
  }
  return toDataset(parseTable(data, { target: options.target, task: 'classification', source, numericFeatures: true }), source);
}

/**
 * Reads a CSV file (plain or gzip-compressed) into a numeric classification dataset.
 * @throws InvalidInputError `INVALID_CSV` when the file cannot be read or is malformed.
 */
export async function readCsvFile(path: string, options: { target: string }): Promise<Dataset> {
  return toDataset(await readTable(path, { target: options.target, task: 'classification', numericFeatures: true }), path);
}

function toDataset(table: TabularDataset, source: string): Dataset {
  checkTarget(table, { source });
  const target = table.target;
  // task: 'classification' was asked for; the reader refuses a target it cannot read as classes.
  if (target.task !== 'classification') throw new Error(`${source}: a classification read returned a ${target.task} target`);
  return { ...numericColumns(table, source), nRows: table.nRows, y: target.y, classes: target.classes };
}

function numericColumns(table: Table, source: string): { columns: Float64Array[]; featureNames: string[] } {
  const columns: Float64Array[] = [];
  const featureNames: string[] = [];
  for (const column of table.columns) {
    if (column.type !== 'numeric') {
      throw new InvalidInputError(
        'INVALID_CSV',
        `${source}: column "${column.name}" is not numeric (text values such as "${column.categories[0] ?? ''}"); this reader takes numeric features only — fix the column's values, or read the file as a table, where categorical columns are supported`,
        { location: { file: source, path: column.name } },
      );
    }
    columns.push(column.values);
    featureNames.push(column.name);
  }
  return { columns, featureNames };
}
