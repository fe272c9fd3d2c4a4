/**
 * How the CLI describes a sweep's training table as it was read: rows, task and target, and the
 * inferred column types — the first thing to check when a model does worse than expected (an id read
 * as a number, a numeric column read as text because of one stray cell).
 */
import type { SchemaReport } from '../../../shared/ml/dataset/schema-report.js';

/** Categorical columns listed by name before the rest are counted. */
const LISTED = 6;

/** The column part: `14 columns: 6 numeric, 8 categorical (workclass 9, …); missing cells in 3 (age 12, …)`. */
function formatColumns(columns: SchemaReport['columns']): string {
  const numeric = columns.filter((c) => c.type === 'numeric').length;
  const categorical = columns.filter((c) => c.type === 'categorical');
  let text = `${columns.length} column${columns.length === 1 ? '' : 's'}: ${numeric} numeric, ${categorical.length} categorical`;
  if (categorical.length > 0) text += ` (${listed(categorical.map((c) => `${c.name} ${c.categories ?? 0}`))})`;
  const missing = columns.filter((c) => c.missing > 0);
  if (missing.length > 0) text += `; missing cells in ${missing.length} (${listed(missing.map((c) => `${c.name} ${c.missing}`))})`;
  return text;
}

/** One line: `26048 training rows, classification of income (2 classes); 14 columns: …`. */
export function formatDataSummary(task: 'classification' | 'regression', schema: SchemaReport): string {
  const target = schema.target;
  const what =
    target === undefined
      ? task
      : target.task === 'classification'
        ? `classification of ${target.name} (${target.classes ?? 0} classes)`
        : `regression of ${target.name}`;
  return `${schema.rows} training rows, ${what}; ${formatColumns(schema.columns)}`;
}

function listed(items: string[]): string {
  return items.length <= LISTED ? items.join(', ') : `${items.slice(0, LISTED).join(', ')}, … ${items.length - LISTED} more`;
}
