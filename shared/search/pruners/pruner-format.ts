/** Direction of the objective a pruner judges. */
export type PrunerGoal = 'maximize' | 'minimize';

/**
 * Two numbers for a sentence, with just enough significant digits (3 to 12) to tell them apart:
 * `0.871` vs `0.884`, but `0.87123` vs `0.87129` when they share the first digits.
 */
export function formatPair(a: number, b: number): [string, string] {
  for (let digits = 3; digits <= 12; digits++) {
    const x = formatNumber(a, digits);
    const y = formatNumber(b, digits);
    if (x !== y || a === b) return [x, y];
  }
  return [String(a), String(b)];
}

function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(digits)));
}
