/**
 * The schema report shown to users after reading a table: one entry per column with its type, its
 * number of missing cells and, for categorical columns, its number of distinct categories.
 */
import { allNumeric } from './category-order.js';
import type { Table, TabularDataset } from './table.js';

export interface ColumnReport {
  name: string;
  type: 'numeric' | 'categorical';
  /** Missing cells (NaN or code -1). */
  missing: number;
  /** Distinct categories (categorical columns; null for numeric ones). */
  categories: number | null;
}

export interface SchemaReport {
  rows: number;
  columns: ColumnReport[];
  target?: { name: string; task: 'classification' | 'regression'; classes: number | null; numericClasses: boolean | null };
}

export function describeTable(table: Table | TabularDataset): SchemaReport {
  const columns: ColumnReport[] = table.columns.map((column) => {
    let missing = 0;
    if (column.type === 'numeric') {
      for (let i = 0; i < column.values.length; i++) if (column.values[i] !== column.values[i]) missing++;
      return { name: column.name, type: 'numeric', missing, categories: null };
    }
    const seen = new Uint8Array(column.categories.length);
    let distinct = 0;
    for (let i = 0; i < column.codes.length; i++) {
      const code = column.codes[i]!;
      if (code < 0) missing++;
      else if (seen[code] === 0) {
        seen[code] = 1;
        distinct++;
      }
    }
    return { name: column.name, type: 'categorical', missing, categories: distinct };
  });
  const report: SchemaReport = { rows: table.nRows, columns };
  const target = (table as Partial<TabularDataset>).target;
  if (target) {
    report.target =
      target.task === 'classification'
        ? { name: target.name, task: target.task, classes: target.classes.length, numericClasses: allNumeric(target.classes) }
        : { name: target.name, task: target.task, classes: null, numericClasses: null };
  }
  return report;
}
