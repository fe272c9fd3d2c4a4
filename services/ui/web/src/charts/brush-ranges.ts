/**
 * The brushed ranges of the parallel-coordinates chart, read back from the brush filter in the URL: the
 * URL holds the filter text, not the drag, so a deep link (or a reload) must turn the text back into
 * ranges or the chart would highlight every line while the table shows the brushed few. The inverse of
 * the conditions the chart writes: `K >= a AND K <= b` on a numeric axis, `K = v`, `K IS NULL` or
 * `(K = v OR K = w …)` on a categorical one, `K IS NULL AND K IS NOT NULL` for an empty choice.
 */

export interface BrushAxis {
  key: string;
  kind: 'numeric' | 'categorical' | 'objective';
  min: number;
  max: number;
  log: boolean;
  categories: string[];
}

/** Axis index → [lo, hi] in axis positions (0 = bottom, 1 = top; may reach past them). */
export type BrushRanges = Map<number, [number, number]>;

/** The ranges `brush` stands for on `axes`, or undefined when it is not a filter this chart writes. */
export function brushRanges(axes: readonly BrushAxis[], brush: string): BrushRanges | undefined {
  const ranges: BrushRanges = new Map();
  if (brush.trim() === '') return ranges;
  const numeric = new Map<number, { lo: number; hi: number }>();
  const chosen = new Map<number, Set<string>>();
  const empty = new Set<number>();
  for (const part of splitTopLevel(brush)) {
    const inner = part.startsWith('(') && part.endsWith(')') ? part.slice(1, -1) : part;
    for (const alternative of inner.split(' OR ')) {
      const condition = parseCondition(alternative.trim());
      if (condition === undefined) return undefined;
      const k = axes.findIndex((a) => a.key === condition.key);
      if (k < 0) return undefined;
      const axis = axes[k]!;
      if (condition.op === 'IS NOT NULL') {
        empty.add(k);
      } else if (axis.kind === 'categorical') {
        if (condition.op !== '=' && condition.op !== 'IS NULL') return undefined;
        const labels = chosen.get(k) ?? new Set<string>();
        labels.add(condition.op === 'IS NULL' ? 'null' : condition.text);
        chosen.set(k, labels);
      } else {
        const value = Number(condition.text);
        if ((condition.op !== '>=' && condition.op !== '<=') || !Number.isFinite(value)) return undefined;
        const bound = numeric.get(k) ?? { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY };
        if (condition.op === '>=') bound.lo = value;
        else bound.hi = value;
        numeric.set(k, bound);
      }
    }
  }
  for (const [k, { lo, hi }] of numeric) ranges.set(k, [positionOf(axes[k]!, lo), positionOf(axes[k]!, hi)]);
  for (const [k, labels] of chosen) {
    if (empty.has(k)) continue;
    const axis = axes[k]!;
    const span = Math.max(1, axis.categories.length - 1);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < axis.categories.length; j++) {
      if (!labels.has(axis.categories[j]!)) continue;
      const t = axis.categories.length === 1 ? 0.5 : j / span;
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    if (lo > hi) return undefined;
    ranges.set(k, [lo, hi]);
  }
  // Nothing chosen on an axis: a range no line reaches.
  for (const k of empty) ranges.set(k, [2, 2]);
  return ranges;
}

/** A value's position on a numeric axis (the chart's own scaling); ±Infinity stay open ends. */
function positionOf(axis: BrushAxis, value: number): number {
  if (!Number.isFinite(value)) return value;
  const lo = axis.log ? Math.log(axis.min) : axis.min;
  const hi = axis.log ? Math.log(axis.max) : axis.max;
  const v = axis.log ? Math.log(value) : value;
  if (hi === lo) return v < lo ? Number.NEGATIVE_INFINITY : v > hi ? Number.POSITIVE_INFINITY : 0.5;
  return (v - lo) / (hi - lo);
}

type Condition = { key: string; op: '>=' | '<=' | '='; text: string } | { key: string; op: 'IS NULL' | 'IS NOT NULL'; text: '' };

function parseCondition(text: string): Condition | undefined {
  const nullTest = /^(\S+) IS (NOT )?NULL$/.exec(text);
  if (nullTest !== null) return { key: nullTest[1]!, op: nullTest[2] === undefined ? 'IS NULL' : 'IS NOT NULL', text: '' };
  const comparison = /^(\S+) (>=|<=|=) (.+)$/.exec(text);
  if (comparison === null) return undefined;
  const raw = comparison[3]!;
  // Text values are quoted with '' for a quote inside (filter-text.ts paramCondition); numbers are bare.
  const value = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1).replaceAll("''", "'") : raw;
  return { key: comparison[1]!, op: comparison[2] as '>=' | '<=' | '=', text: value };
}

/** The parts of `text` joined by AND outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && text.startsWith(' AND ', i)) {
      parts.push(text.slice(start, i).trim());
      start = i + ' AND '.length;
      i += ' AND '.length - 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
