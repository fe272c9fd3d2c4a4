/**
 * CV fold scores per trial as a strip plot: the best trials by the objective (under the filter), one
 * column each, best on the left, a dot per fold and a tick at the mean. Only completed trials with fold
 * scores compete for the columns (the server filters, so a trial without CV never takes a place and then
 * vanishes); ties on the objective go to the lower trial index, as in the table. The y axis is the
 * `cv.scoring` metric's own scale, which need not be the objective's, and says which way is better.
 * Fold scores travel with the trial records.
 */
import { api, type FieldsAnswer, type TrialPage } from '../api.js';
import { ChartFrame } from './chart-frame.js';
import { drawYAxis, useCanvas } from './use-canvas.js';
import { useAnswer } from './use-answer.js';

const SHOWN = 50;
const HEIGHT = 340;
const LEFT = 56;
const TOP = 24;
const BOTTOM = HEIGHT - 48;
/** Narrower columns than this get a trial label only every few columns. */
const LABEL_WIDTH = 26;

export function FoldsChart({ sweepId, fields, filter, revision }: { sweepId: string; fields: FieldsAnswer | null; filter: string; revision: number }) {
  const objective = fields?.objective;
  const cv = fields?.cv ?? null;
  const order = objective === undefined ? undefined : `metrics.${objective.metric} ${objective.goal === 'maximize' ? 'DESC' : 'ASC'}`;
  const scored = "attributes.status = 'completed' AND metrics.cv_mean IS NOT NULL";
  const query = filter === '' ? scored : `(${filter}) AND ${scored}`;
  const { data, error } = useAnswer<TrialPage | null>(
    () => (order === undefined || cv === null ? Promise.resolve(null) : api.trials(sweepId, { filter: query, order_by: order, limit: SHOWN, offset: 0 })),
    [sweepId, order, query, cv?.scoring, revision],
  );
  const trials = data?.trials ?? [];
  let points = 0;
  for (const t of trials) for (const f of t.folds ?? []) if (f !== null) points++;
  const { ref } = useCanvas(
    HEIGHT,
    (ctx, width, _height, colors) => {
      if (trials.length === 0 || cv === null) return;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const t of trials) for (const f of t.folds ?? []) if (f !== null) ((lo = Math.min(lo, f)), (hi = Math.max(hi, f)));
      if (!(hi > lo)) ((lo -= 0.01), (hi += 0.01));
      const yOf = (v: number): number => BOTTOM - ((v - lo) / (hi - lo)) * (BOTTOM - TOP);
      drawYAxis(ctx, LEFT, TOP, BOTTOM, lo, hi, colors);
      ctx.fillStyle = colors.muted;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      ctx.fillText(`${cv.scoring} per fold (${cv.goal === 'maximize' ? 'higher' : 'lower'} is better)`, 4, TOP - 10);
      const step = (width - LEFT - 10) / trials.length;
      const labelEvery = Math.max(1, Math.ceil(LABEL_WIDTH / step));
      for (let k = 0; k < trials.length; k++) {
        const x = LEFT + (k + 0.5) * step;
        const trial = trials[k]!;
        let sum = 0;
        let n = 0;
        ctx.fillStyle = colors.accent;
        for (const f of trial.folds ?? []) {
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
        if (k % labelEvery === 0) {
          ctx.fillStyle = colors.muted;
          ctx.textAlign = 'center';
          ctx.fillText(`#${trial.index}`, x, BOTTOM + 14);
        }
      }
      ctx.fillStyle = colors.muted;
      ctx.textAlign = 'center';
      ctx.fillText(`trials by ${objective!.metric}, best first (#index; dots = folds, bar = mean)`, (LEFT + width) / 2, HEIGHT - 8);
    },
    [data, cv?.scoring, cv?.goal],
  );
  const note =
    fields !== null && cv === null
      ? 'this sweep has no cross-validation (cv.folds < 2): no fold scores to show'
      : data === null
        ? 'loading…'
        : `the best ${trials.length} of ${data.total} completed trials with fold scores, by ${objective?.metric ?? 'the objective'} ` +
          `(${objective?.goal ?? ''}; ties by trial index): ${points} ${cv?.scoring ?? ''} fold scores`;
  return (
    <ChartFrame
      title="CV fold scores"
      note={note}
      error={error}
      testid="folds"
      attrs={{
        trials: trials.length,
        points,
        total: data?.total ?? 0,
        scoring: cv?.scoring ?? '',
        goal: cv?.goal ?? '',
        order: trials.map((t) => t.id).join(','),
      }}
    >
      <canvas ref={ref} role="img" aria-label={`${cv?.scoring ?? 'CV'} fold scores of the best ${trials.length} trials`} />
    </ChartFrame>
  );
}
