/**
 * The one ordering of category strings and class labels, as scikit-learn sees them after pandas read
 * the file: a column whose every value is a decimal number is numeric to pandas, so its categories sort
 * numerically; anything else is an object column whose values Python sorts by code point.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Whether every string is a finite decimal number (then the set sorts numerically). */
export function allNumeric(values: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!.trim();
    if (!DECIMAL.test(v) || !Number.isFinite(Number(v))) return false;
  }
  return values.length > 0;
}

/** Python's `str` comparison: by Unicode code point (JS `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF, which sort after every BMP char.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Indices of `values` in sorted order (stable): numeric order when all are numbers, else code point
 * order. Equal numbers written differently (`1`, `1.0`) keep their relative order.
 */
export function sortedCategoryOrder(values: readonly string[]): Int32Array {
  const order = new Int32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (allNumeric(values)) {
    const numbers = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) numbers[i] = Number(values[i]!.trim());
    order.sort((a, b) => numbers[a]! - numbers[b]! || a - b);
  } else {
    order.sort((a, b) => compareCodePoints(values[a]!, values[b]!) || a - b);
  }
  return order;
}

/** `values` sorted with {@link sortedCategoryOrder}. */
export function sortCategories(values: readonly string[]): string[] {
  const order = sortedCategoryOrder(values);
  const sorted: string[] = new Array<string>(order.length);
  for (let i = 0; i < order.length; i++) sorted[i] = values[order[i]!]!;
  return sorted;
}
