/**
 * A deliberately naive reference for the query engine: rows as plain objects, the filter walked per
 * row, a full stable sort. Written from the documented semantics, not from the engine's code, so the
 * property tests compare two independent readings of the same rules.
 */
import type { FieldRef, FilterExpression, FilterLiteral, OrderKey, TrialRowInput } from '../../shared/query/index.js';

export interface ReferenceRow {
  index: number;
  record: TrialRowInput;
  sweepId?: string;
}

/** A field's value: number, text, or undefined when missing. */
type Value = number | string | undefined;

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function spelledNumber(text: string): number {
  return NUMBER_TEXT.test(text) ? Number(text) : Number.NaN;
}

export function fieldValue(row: ReferenceRow, field: FieldRef): Value {
  const r = row.record;
  switch (field.kind) {
    case 'metric': {
      const v = r.metrics?.[field.key];
      return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
    }
    case 'param': {
      if (!r.params || !Object.hasOwn(r.params, field.key)) return undefined;
      const v = r.params[field.key];
      if (v === null || v === undefined) return undefined;
      return typeof v === 'boolean' ? String(v) : v;
    }
    case 'tag': {
      const v = r.tags?.[field.key];
      return v ?? undefined;
    }
    case 'attribute':
      switch (field.key) {
        case 'status':
          return r.status;
        case 'name':
          return r.name;
        case 'model':
          return r.model ?? undefined;
        case 'duration':
          return r.durationMs ?? undefined;
        case 'start_time':
          return r.startedAt ?? undefined;
        case 'end_time':
          return r.finishedAt ?? undefined;
        case 'index':
          return row.index;
        case 'run_id':
          return row.sweepId === undefined ? undefined : `${row.sweepId}-t${row.index}`;
      }
  }
}

function isTextOnly(field: FieldRef): boolean {
  return field.kind === 'attribute' && (field.key === 'name' || field.key === 'run_id' || field.key === 'status');
}

/** Numbers (and text spelling numbers) before other text; text by code units. */
function compare(a: Value, b: FilterLiteral, textOnly: boolean): number {
  const aText = String(a);
  const aNum = textOnly ? Number.NaN : typeof a === 'number' ? a : spelledNumber(aText);
  const bNum = textOnly ? Number.NaN : b.number;
  const aIsNum = !Number.isNaN(aNum);
  const bIsNum = !Number.isNaN(bNum);
  if (aIsNum && bIsNum) return aNum < bNum ? -1 : aNum > bNum ? 1 : 0; // not a subtraction: Infinity - Infinity is NaN
  if (aIsNum !== bIsNum) return aIsNum ? -1 : 1;
  return aText < b.text ? -1 : aText > b.text ? 1 : 0;
}

function like(value: string, pattern: string, ignoreCase: boolean): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

export function matches(row: ReferenceRow, expression: FilterExpression): boolean {
  switch (expression.type) {
    case 'and':
      return expression.operands.every((e) => matches(row, e));
    case 'or':
      return expression.operands.some((e) => matches(row, e));
    case 'null': {
      const missing = fieldValue(row, expression.field) === undefined;
      return expression.negated ? !missing : missing;
    }
    default:
      break;
  }
  let value = fieldValue(row, expression.field);
  if (value === undefined) return false;
  const isStatus = expression.field.kind === 'attribute' && expression.field.key === 'status';
  const lower = (l: FilterLiteral): FilterLiteral => (isStatus ? { ...l, text: l.text.toLowerCase() } : l);
  const textOnly = isTextOnly(expression.field);
  if (expression.type === 'in') {
    const found = expression.values.some((l) => compare(value, lower(l), textOnly) === 0);
    return expression.negated ? !found : found;
  }
  const literal = lower(expression.value);
  switch (expression.op) {
    case '=':
      return compare(value, literal, textOnly) === 0;
    case '!=':
      return compare(value, literal, textOnly) !== 0;
    case '<':
      return compare(value, literal, textOnly) < 0;
    case '<=':
      return compare(value, literal, textOnly) <= 0;
    case '>':
      return compare(value, literal, textOnly) > 0;
    case '>=':
      return compare(value, literal, textOnly) >= 0;
    case 'LIKE':
    case 'ILIKE':
      if (typeof value === 'number') value = String(value);
      return like(value, literal.text, expression.op === 'ILIKE' || isStatus);
  }
}

/** Sort order of two present values of one field: the filter's total order. */
function compareValues(a: number | string, b: number | string, textOnly: boolean): number {
  const aNum = textOnly ? Number.NaN : typeof a === 'number' ? a : spelledNumber(a);
  const bNum = textOnly ? Number.NaN : typeof b === 'number' ? b : spelledNumber(b);
  const aIsNum = !Number.isNaN(aNum);
  const bIsNum = !Number.isNaN(bNum);
  if (aIsNum && bIsNum) return aNum < bNum ? -1 : aNum > bNum ? 1 : 0; // not a subtraction: Infinity - Infinity is NaN
  if (aIsNum !== bIsNum) return aIsNum ? -1 : 1;
  const aText = String(a);
  const bText = String(b);
  return aText < bText ? -1 : aText > bText ? 1 : 0;
}

/** Filters, sorts (order keys, then the rows' given order) and pages plain rows. */
export function referenceQuery<T extends ReferenceRow>(
  rows: readonly T[],
  filter: FilterExpression | null,
  orderBy: readonly OrderKey[],
  offset: number,
  limit: number,
): { page: T[]; total: number } {
  const kept = rows.filter((row) => filter === null || matches(row, filter));
  const sorted = kept
    .map((row, position) => ({ row, position }))
    .sort((x, y) => {
      for (const key of orderBy) {
        const a = fieldValue(x.row, key.field);
        const b = fieldValue(y.row, key.field);
        if (a === undefined && b === undefined) continue;
        if (a === undefined) return 1;
        if (b === undefined) return -1;
        const textOnly = isTextOnly(key.field);
        const c = compareValues(a, b, textOnly);
        if (c !== 0) return key.direction === 'DESC' ? -c : c;
      }
      return x.position - y.position;
    })
    .map((entry) => entry.row);
  return { page: sorted.slice(offset, offset + limit), total: kept.length };
}
