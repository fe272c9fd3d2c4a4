/**
 * Checks of the data a sweep is about to train on, run at submit time so a doomed sweep is refused
 * before anything is queued. Each throws InvalidInputError with what is wrong, where (file, column)
 * and how to fix it.
 */
import { InvalidInputError } from '../../errors/index.js';
import { DEFAULT_MAX_CLASSES } from '../../schemas/column-spec.schema.js';
import type { PipelineSpecInput, ResolvedPipelineSpec } from '../../schemas/pipeline-spec.schema.js';
import { countCategories } from '../preprocessing/category-counts.js';
import { identifyInfrequent } from '../preprocessing/infrequent-categories.js';
import { resolvePipelineSpec } from '../preprocessing/resolve-pipeline-spec.js';
import { allNumeric } from './category-order.js';
import { truncate } from './column-roles.js';
import type { Table, TabularDataset, Task } from './table.js';

export interface CheckContext {
  /** File the data came from, for messages and locations. */
  source?: string;
}

/** Default limit on the one-hot width of one categorical column. */
export const DEFAULT_MAX_ONE_HOT_WIDTH = 1000;

function where(context: CheckContext): { file?: string } {
  return context.source === undefined ? {} : { file: context.source };
}

function prefix(context: CheckContext): string {
  return context.source === undefined ? '' : `${context.source}: `;
}

/**
 * A classification target needs 2 to `maxClasses` classes; a declared regression target must have been
 * read as numbers.
 * @throws InvalidInputError INVALID_CSV.
 */
export function checkTarget(data: TabularDataset, options: CheckContext & { task?: Task; maxClasses?: number } = {}): void {
  const target = data.target;
  const maxClasses = options.maxClasses ?? DEFAULT_MAX_CLASSES;
  if (options.task === 'regression' && target.task === 'classification') {
    const numeric = allNumeric(target.classes);
    if (!numeric) {
      const examples = target.classes.filter((c) => !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(c.trim())).slice(0, 3);
      throw new InvalidInputError(
        'INVALID_CSV',
        `${prefix(options)}the regression target "${truncate(target.name)}" has non-numeric values (${examples.map((e) => `"${truncate(e)}"`).join(', ')}); a regression target must be numeric — fix those cells, or set task: classification`,
        { location: { ...where(options), path: 'task' }, details: { target: target.name, examples } },
      );
    }
    return;
  }
  if (target.task !== 'classification') return;
  if (target.classes.length < 2) {
    throw new InvalidInputError(
      'INVALID_CSV',
      `${prefix(options)}target column "${truncate(target.name)}" has a single class (${truncate(target.classes[0] ?? '')}); classification needs at least 2 classes — check the target column, or use a file with more than one outcome`,
      { location: { ...where(options), path: 'dataset.target' }, details: { target: target.name, classes: target.classes.slice() } },
    );
  }
  if (target.classes.length > maxClasses) {
    const hint = allNumeric(target.classes) ? 'is this a regression target? set task: regression' : `is "${truncate(target.name)}" the right target column?`;
    throw new InvalidInputError(
      'INVALID_CSV',
      `${prefix(options)}target column "${truncate(target.name)}" has ${target.classes.length} classes, more than the ${maxClasses} allowed; ${hint}`,
      { location: { ...where(options), path: 'task' }, details: { target: target.name, classes: target.classes.length, maxClasses } },
    );
  }
}

/**
 * With a one-hot encoder, no categorical column may widen into more than `limit` columns (counted on
 * all rows, after min_frequency/max_categories grouping and drop).
 * @throws InvalidInputError LIMIT_EXCEEDED naming the column and the ways out.
 */
export function checkOneHotWidth(
  table: Table,
  spec: PipelineSpecInput | ResolvedPipelineSpec | undefined,
  options: CheckContext & { limit?: number } = {},
): void {
  const resolved = resolvePipelineSpec(spec);
  const encoder = resolved.categorical.encoder;
  if (encoder.kind !== 'onehot') return;
  const limit = options.limit ?? DEFAULT_MAX_ONE_HOT_WIDTH;
  for (const column of table.columns) {
    if (column.type !== 'categorical') continue;
    const { counts, missing, nSamples } = countCategories(column);
    const withMissing = missing > 0 && resolved.categorical.imputer === null ? Int32Array.from([...counts, missing]) : counts;
    const infrequent = identifyInfrequent(withMissing, nSamples, encoder.min_frequency, encoder.max_categories);
    let width = infrequent === null ? withMissing.length : withMissing.length - infrequent.length + 1;
    if (encoder.drop === 'first' || (encoder.drop === 'if_binary' && width === 2)) width--;
    if (width > limit) {
      throw new InvalidInputError(
        'LIMIT_EXCEEDED',
        `${prefix(options)}categorical column "${truncate(column.name)}" would one-hot encode into ${width} columns (limit ${limit}); set pipeline.categorical.encoder.max_categories (e.g. 20) or min_frequency, use kind: ordinal, or drop the column with columns.drop`,
        { location: { ...where(options), path: 'pipeline.categorical.encoder' }, details: { column: column.name, width, limit } },
      );
    }
  }
}

/**
 * A test file must have every feature column of the training file (extra ones are ignored), with a
 * compatible type, and no class the training file lacks.
 * @throws InvalidInputError INVALID_CSV listing every problem of the first kind found.
 */
export function checkTestAgainstTrain(train: TabularDataset, test: Table | TabularDataset, options: { trainSource?: string; testSource?: string } = {}): void {
  const testFile = options.testSource === undefined ? {} : { file: options.testSource };
  const testName = options.testSource ?? 'the test file';
  const trainName = options.trainSource ?? 'the training file';
  const byName = new Map(test.columns.map((c) => [c.name, c]));
  const missing = train.columns.filter((c) => !byName.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new InvalidInputError(
      'INVALID_CSV',
      `${testName} lacks ${missing.length} column(s) of ${trainName}: ${missing.map((n) => truncate(n)).join(', ')}; give both files the same feature columns (extra columns are ignored)`,
      { location: { ...testFile }, details: { missing } },
    );
  }
  for (const column of train.columns) {
    const other = byName.get(column.name)!;
    if (column.type === 'numeric' && other.type === 'categorical' && !allNumeric(other.categories)) {
      const example = other.categories.find((c) => !allNumeric([c])) ?? '';
      throw new InvalidInputError(
        'INVALID_CSV',
        `column "${truncate(column.name)}" is numeric in ${trainName} but ${testName} holds text such as "${truncate(example)}"; fix those cells or declare the column categorical in columns.categorical`,
        { location: { ...testFile }, details: { column: column.name } },
      );
    }
  }
  const testTarget = (test as Partial<TabularDataset>).target;
  if (testTarget && train.target.task === 'classification' && testTarget.task === 'classification') {
    const known = new Set(train.target.classes);
    const unknown = testTarget.classes.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new InvalidInputError(
        'INVALID_CSV',
        `${testName} has class label(s) absent from ${trainName}: ${unknown
          .slice(0, 10)
          .map((c) => truncate(c))
          .join(', ')}; a model cannot predict a class it never saw — remove those rows or add examples to the training file`,
        { location: { ...testFile }, details: { unknownClasses: unknown } },
      );
    }
  }
  if (testTarget && testTarget.task !== train.target.task) {
    throw new InvalidInputError(
      'INVALID_CSV',
      `${testName}'s target was read as ${testTarget.task} but ${trainName}'s as ${train.target.task}; read both with the same task`,
      {
        location: { ...testFile, path: 'task' },
      },
    );
  }
}
