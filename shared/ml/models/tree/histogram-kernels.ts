/**
 * Histogram kernels of the gradient-boosting tree builder, specialised to the number of features.
 *
 * The builder's histograms take one (row, feature) update per bin of a row: the cost centre of
 * boosting. With a loop over the row's features, V8 pays the loop and its exit for every row; with
 * the row's features written out, it does not, and the bins of four features come in one 32-bit load.
 * Measured on the development machine (min-of-N CPU time): ~0.6 ns per update fully unrolled against
 * ~0.9–1.0 ns with the loop (four features per iteration) and ~1.3 ns with byte loads. Since the
 * feature count is only known at fit time, the unrolled kernel is generated once per row width and
 * cached — code generation of plain arithmetic on typed arrays (no user input reaches the source), in
 * place of a hand-written kernel per feature count.
 *
 * Histogram layout (the builder's): feature f at [f·512, f·512 + 512): bin b's count at 2b, its
 * gradient sum at 2b + 1. Bins are row-major, `words` being the 32-bit view of rows padded to a
 * multiple of four features (padding bins are 0 and land in the padding features' slots).
 */

/** Adds count and gradient of positions[start..end) (gradient indexed by position). */
export type CountsAndSumsKernel = (hist: Float64Array, words: Uint32Array, positions: Uint32Array, start: number, end: number, gradient: Float64Array) => void;

/** Adds the gradients of positions 0…n−1, in order (counts are already in the histogram). */
export type SumsInOrderKernel = (hist: Float64Array, words: Uint32Array, n: number, gradient: Float64Array) => void;

/**
 * Widest row given a generated kernel: V8 stops optimising very large functions, and past a few hundred
 * features the loop overhead is a small share anyway. Wider rows use the builder's loop kernels.
 */
export const MAX_GENERATED_WORDS = 64;

/** The word view reads byte j of a word as feature 4q + j only on little-endian hosts. */
export const GENERATED_KERNELS_APPLY = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const countsAndSums = new Map<number, CountsAndSumsKernel>();
const sumsInOrder = new Map<number, SumsInOrderKernel>();

/** Statements that update the four features of word `q` (value in `w${q}`) by gradient `g`. */
function wordUpdates(q: number, withCounts: boolean): string {
  let code = '';
  for (let j = 0; j < 4; j++) {
    const base = q * 2048 + j * 512;
    const bin = j === 0 ? `(w${q} & 255)` : j === 3 ? `(w${q} >>> 24)` : `((w${q} >>> ${8 * j}) & 255)`;
    if (withCounts) code += `o = ${base} + (${bin} << 1); h[o] += 1; h[o + 1] += g;\n`;
    else code += `o = ${base + 1} + (${bin} << 1); h[o] += g;\n`;
  }
  return code;
}

function wordLoads(words: number): string {
  let code = '';
  for (let q = 0; q < words; q++) code += `const w${q} = words[b + ${q}];\n`;
  return code;
}

/** The counts-and-sums kernel for rows of `words` 32-bit words (features / 4). */
export function countsAndSumsKernel(words: number): CountsAndSumsKernel {
  let kernel = countsAndSums.get(words);
  if (kernel === undefined) {
    let updates = '';
    for (let q = 0; q < words; q++) updates += wordUpdates(q, true);
    const body =
      `const h = hist;\nlet o = 0;\nfor (let i = start; i < end; i++) {\nconst pos = positions[i];\nconst g = gradient[pos];\n` +
      `const b = pos * ${words};\n${wordLoads(words)}${updates}}\n`;
    // Generated, not evaluated from input: the body is built from `words` (an integer) alone.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    kernel = new Function('hist', 'words', 'positions', 'start', 'end', 'gradient', body) as CountsAndSumsKernel;
    countsAndSums.set(words, kernel);
  }
  return kernel;
}

/** The sums-in-order kernel for rows of `words` 32-bit words. */
export function sumsInOrderKernel(words: number): SumsInOrderKernel {
  let kernel = sumsInOrder.get(words);
  if (kernel === undefined) {
    let updates = '';
    for (let q = 0; q < words; q++) updates += wordUpdates(q, false);
    const body = `const h = hist;\nlet o = 0;\nfor (let pos = 0; pos < n; pos++) {\nconst g = gradient[pos];\nconst b = pos * ${words};\n${wordLoads(words)}${updates}}\n`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    kernel = new Function('hist', 'words', 'n', 'gradient', body) as SumsInOrderKernel;
    sumsInOrder.set(words, kernel);
  }
  return kernel;
}
