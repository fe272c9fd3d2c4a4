/** Slice plots: the objective against each param, one small canvas per param, from the same sample as parallel coordinates. */
import { api, type SampleAnswer } from '../api.js';
import { ChartFrame } from './chart-frame.js';
import { drawYAxis, niceNumber, useCanvas, valueColor } from './use-canvas.js';
import { useAnswer } from './use-answer.js';

const HEIGHT = 220;
const LEFT = 56;
const RIGHT = 10;
const TOP = 22;
const BOTTOM = HEIGHT - 28;

export function SliceChart({ sweepId, filter, revision }: { sweepId: string; filter: string; revision: number }) {
  const { data, error } = useAnswer(() => api.sample(sweepId, filter || undefined), [sweepId, filter, revision]);
  const note =
    data === null
      ? 'loading…'
      : `${data.total} completed trials${data.drawn < data.total ? `, ${data.drawn} drawn (the best tenth and an even sample of the rest)` : ', every one drawn'}`;
  return (
    <ChartFrame
      title="Slice: objective against each param"
      note={note}
      error={error}
      testid="slice"
      attrs={{ points: data?.drawn ?? 0, total: data?.total ?? 0, panels: data?.axes.length ?? 0 }}
    >
      <div class="grid2">
        {data?.axes.map((_, k) => (
          <SlicePanel key={`${data.axes[k]!.name}`} data={data} axis={k} />
        ))}
      </div>
    </ChartFrame>
  );
}

function SlicePanel({ data, axis }: { data: SampleAnswer; axis: number }) {
  const a = data.axes[axis]!;
  const { ref } = useCanvas(
    HEIGHT,
    (ctx, width, _height, colors) => {
      const n = data.objective.length;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const v = data.objective[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi === lo) {
        lo -= 0.5;
        hi += 0.5;
      }
      const categorical = a.kind === 'categorical';
      const span = categorical ? Math.max(1, a.categories!.length) : 1;
      const log = a.log === true;
      const xmin = categorical ? 0 : log ? Math.log(a.min!) : a.min!;
      const xmax = categorical ? span : log ? Math.log(a.max!) : a.max!;
      const xOf = (v: number): number => {
        const t = categorical ? (v + 0.5) / span : xmax === xmin ? 0.5 : ((log ? Math.log(v) : v) - xmin) / (xmax - xmin);
        return LEFT + t * (width - LEFT - RIGHT);
      };
      const yOf = (v: number): number => BOTTOM - ((v - lo) / (hi - lo)) * (BOTTOM - TOP);
      drawYAxis(ctx, LEFT, TOP, BOTTOM, lo, hi, colors);
      ctx.fillStyle = colors.fg;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'alphabetic';
      ctx.fillText(a.name, (LEFT + width) / 2, TOP - 8);
      ctx.fillStyle = colors.muted;
      if (categorical) a.categories!.forEach((c, j) => ctx.fillText(c, xOf(j), BOTTOM + 16));
      else {
        ctx.fillText(niceNumber(a.min!), LEFT + 12, BOTTOM + 16);
        ctx.fillText(niceNumber(a.max!), width - RIGHT - 12, BOTTOM + 16);
      }
      const better = data.goal === 'maximize';
      for (let i = 0; i < n; i++) {
        const v = a.values[i];
        if (v === null || v === undefined) continue;
        const o = data.objective[i]!;
        // Categories get a small deterministic jitter so stacked points stay visible.
        const jitter = categorical ? (((i * 2654435761) % 1000) / 1000 - 0.5) * (0.5 * ((width - LEFT - RIGHT) / span)) : 0;
        const t = (o - lo) / (hi - lo);
        ctx.fillStyle = valueColor(better ? t : 1 - t, 0.7);
        ctx.fillRect(xOf(v) + jitter - 1.5, yOf(o) - 1.5, 3, 3);
      }
    },
    [data, axis],
  );
  return <canvas ref={ref} role="img" aria-label={`${data.metric} against ${a.name}`} data-param={a.name} />;
}
