/**
 * ROC and precision–recall curves of one-vs-rest scores, thinned to at most `maxPoints` points (kept
 * evenly along the threshold order, first and last always kept).
 */
export interface CurvePoints {
  x: number[];
  y: number[];
  area: number | null;
}

/** Row order by score, highest first (ties by row). */
function byScoreDescending(scores: Float64Array): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

function thin(x: number[], y: number[], maxPoints: number): { x: number[]; y: number[] } {
  if (x.length <= maxPoints) return { x, y };
  const ox: number[] = [];
  const oy: number[] = [];
  const step = (x.length - 1) / (maxPoints - 1);
  for (let k = 0; k < maxPoints; k++) {
    const i = Math.round(k * step);
    ox.push(x[i]!);
    oy.push(y[i]!);
  }
  return { x: ox, y: oy };
}

/** ROC curve (x = false positive rate, y = true positive rate) and its AUC (trapezoids). */
export function rocCurve(positive: Uint8Array, scores: Float64Array, maxPoints: number): CurvePoints {
  const order = byScoreDescending(scores);
  let p = 0;
  for (let i = 0; i < positive.length; i++) p += positive[i]!;
  const n = positive.length - p;
  const x: number[] = [0];
  const y: number[] = [0];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k]!;
    if (positive[row] === 1) tp++;
    else fp++;
    // One point per distinct threshold.
    if (k + 1 < order.length && scores[order[k + 1]!] === scores[row]) continue;
    x.push(n === 0 ? 0 : fp / n);
    y.push(p === 0 ? 0 : tp / p);
  }
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return { ...thin(x, y, maxPoints), area: p === 0 || n === 0 ? null : area };
}

/** Precision–recall curve (x = recall, y = precision) and average precision (step sum, as scikit-learn). */
export function precisionRecallCurve(positive: Uint8Array, scores: Float64Array, maxPoints: number): CurvePoints {
  const order = byScoreDescending(scores);
  let p = 0;
  for (let i = 0; i < positive.length; i++) p += positive[i]!;
  const x: number[] = [0];
  const y: number[] = [1];
  let tp = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k]!;
    if (positive[row] === 1) tp++;
    if (k + 1 < order.length && scores[order[k + 1]!] === scores[row]) continue;
    const recall = p === 0 ? 0 : tp / p;
    const precision = tp / (k + 1);
    ap += (recall - lastRecall) * precision;
    lastRecall = recall;
    x.push(recall);
    y.push(precision);
  }
  return { ...thin(x, y, maxPoints), area: p === 0 ? null : ap };
}
