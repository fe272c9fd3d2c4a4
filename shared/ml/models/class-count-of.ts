/**
 * Class count of a fit: max(y) + 1 over the WHOLE label array (not only the fitted rows), at least 2,
 * so every CV fold of a dataset yields the same probability columns even when a fold lacks a class.
 */
export function classCountOf(y: Int32Array): number {
  let max = 1;
  for (let i = 0; i < y.length; i++) if (y[i]! > max) max = y[i]!;
  return max + 1;
}
