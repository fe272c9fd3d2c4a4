/**
 * CV fold scores per trial as a strip plot: the best trials by the objective (under the filter), one
 * column each, a dot per fold and a tick at the mean. Fold scores travel with the trial records.
 */
import { api, type SweepStatus, type TrialPage } from '../api.js';
import { ChartFrame } from './chart-frame.js';
import { drawYAxis, useCanvas } from './use-canvas.js';
import { useAnswer } from './use-answer.js';

const SHOWN = 50;
const HEIGHT = 320;
const LEFT = 56;
const TOP = 12;
const BOTTOM = HEIGHT - 30;

export function FoldsChart({ sweepId, status, filter, revision }: { sweepId: string; status: SweepStatus | null; filter: string; revision: number }) {
  const objective = status?.objective;
  const order = objective === undefined ? undefined : `metrics.${objective.metric} ${objective.goal === 'maximize' ? 'DESC' : 'ASC'}`;
  const statusFilter = filter === '' ? "attributes.status = 'completed'" : `(${filter}) AND attributes.status = 'completed'`;
  const { data, error } = useAnswer<TrialPage | null>(
    () => (order === undefined ? Promise.resolve(null) : api.trials(sweepId, { filter: statusFilter, order_by: order, limit: SHOWN, offset: 0 })),
    [sweepId, order, statusFilter, revision],
  );
  const trials = data?.trials.filter((t) => t.folds !== null && t.folds.length > 0) ?? [];
  const points = trials.reduce((n, t) => n + (t.folds?.filter((f) => f !== null).length ?? 0), 0);
  const { ref } = useCanvas(
    HEIGHT,
    (ctx, width, _height, colors) => {
      if (trials.length === 0) return;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const t of trials) for (const f of t.folds!) if (f !== null) ((lo = Math.min(lo, f)), (hi = Math.max(hi, f)));
      if (hi === lo) ((lo -= 0.01), (hi += 0.01));
      const yOf = (v: number): number => BOTTOM - ((v - lo) / (hi - lo)) * (BOTTOM - TOP);
      drawYAxis(ctx, LEFT, TOP, BOTTOM, lo, hi, colors);
      const step = (width - LEFT - 10) / trials.length;
      for (let k = 0; k < trials.length; k++) {
        const x = LEFT + (k + 0.5) * step;
        const folds = trials[k]!.folds!;
        let sum = 0;
        let n = 0;
        ctx.fillStyle = colors.accent;
        for (const f of folds) {
          if (f === null) continue;
          sum += f;
          n++;
          ctx.beginPath();
          ctx.arc(x, yOf(f), 2.5, 0, 2 * Math.PI);
          ctx.fill();
        }
        if (n > 0) {
          ctx.strokeStyle = colors.good;
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(x - Math.min(8, step / 2.5), yOf(sum / n));
          ctx.lineTo(x + Math.min(8, step / 2.5), yOf(sum / n));
          ctx.stroke();
          ctx.lineWidth = 1;
        }
      }
      ctx.fillStyle = colors.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'alphabetic';
      ctx.fillText('trials, best first (dots = folds, bar = mean)', (LEFT + width) / 2, HEIGHT - 8);
    },
    [data],
  );
  const note =
    data === null
      ? 'loading…'
      : `the best ${trials.length} of ${data.total} completed trials by ${objective?.metric ?? 'the objective'}: ${points} fold scores`;
  return (
    <ChartFrame title="CV fold scores" note={note} error={error} testid="folds" attrs={{ trials: trials.length, points }}>
      <canvas ref={ref} role="img" aria-label={`fold scores of ${trials.length} trials`} />
    </ChartFrame>
  );
}
