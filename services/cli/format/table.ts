/**
 * Plain-text tables for the CLI's human output. Columns are padded to their widest cell; numeric
 * columns are right-aligned so digits line up. No dependency: the tables are small (≤ a page).
 */

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Alignment per column; default left. */
  align?: readonly Align[];
  /** Separator between columns; default two spaces. */
  gap?: string;
}

/** Renders `headers` + `rows` as aligned text lines (no trailing newline, no trailing spaces). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const gap = options.gap ?? '  ';
  const nColumns = headers.length;
  const widths = new Array<number>(nColumns).fill(0);
  for (let c = 0; c < nColumns; c++) widths[c] = headers[c]!.length;
  for (const row of rows) {
    for (let c = 0; c < nColumns; c++) widths[c] = Math.max(widths[c]!, (row[c] ?? '').length);
  }
  const line = (cells: readonly string[]): string => {
    let out = '';
    for (let c = 0; c < nColumns; c++) {
      const cell = cells[c] ?? '';
      const pad = widths[c]! - cell.length;
      const right = options.align?.[c] === 'right';
      if (c > 0) out += gap;
      out += right ? ' '.repeat(pad) + cell : cell + (c === nColumns - 1 ? '' : ' '.repeat(pad));
    }
    return out.trimEnd();
  };
  const lines = [line(headers)];
  for (const row of rows) lines.push(line(row));
  return lines.join('\n');
}

/** A metric for a table cell: 4 decimals, `-` when absent. */
export function formatMetric(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}
