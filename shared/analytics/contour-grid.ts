/**
 * Contour data for two params: the objective's mean and the trial count in each cell of a grid over
 * the two axes (equal-width bins on numeric axes, log-spaced for log axes; one bin per category). The
 * browser colours the cells; every completed trial counts, so the plot stays exact at 100k trials.
 */
import { axisPositions, type ParamAxis } from './param-axis.js';

export interface ContourGrid {
  nx: number;
  ny: number;
  /** Row-major by y then x: mean objective per cell, null where no trial fell. */
  mean: Array<number | null>;
  count: number[];
  /** Trials counted (both params present). */
  counted: number;
}

export function contourGrid(x: ParamAxis, y: ParamAxis, values: Float64Array, bins: number): ContourGrid {
  const nx = x.kind === 'categorical' ? x.categories.length : bins;
  const ny = y.kind === 'categorical' ? y.categories.length : bins;
  const px = axisPositions(x);
  const py = axisPositions(y);
  const sum = new Float64Array(nx * ny);
  const count = new Float64Array(nx * ny);
  let counted = 0;
  for (let i = 0; i < values.length; i++) {
    const a = px[i]!;
    const b = py[i]!;
    if (a !== a || b !== b) continue;
    const cx = x.kind === 'categorical' ? x.codes[i]! : Math.min(nx - 1, Math.floor(a * nx));
    const cy = y.kind === 'categorical' ? y.codes[i]! : Math.min(ny - 1, Math.floor(b * ny));
    const cell = cy * nx + cx;
    sum[cell]! += values[i]!;
    count[cell]!++;
    counted++;
  }
  const mean: Array<number | null> = new Array<number | null>(nx * ny);
  const counts: number[] = new Array<number>(nx * ny);
  for (let c = 0; c < nx * ny; c++) {
    mean[c] = count[c]! > 0 ? sum[c]! / count[c]! : null;
    counts[c] = count[c]!;
  }
  return { nx, ny, mean, count: counts, counted };
}
