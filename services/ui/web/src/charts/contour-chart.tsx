/** Contour over two params: mean objective per grid cell, computed on the server over every completed trial. */
import { api, type ContourAnswer, type FieldsAnswer } from '../api.js';
import { formatNumber } from '../format.js';
import { useUrlState } from '../url-state.js';
import { ChartFrame } from './chart-frame.js';
import { niceNumber, type Theme, useCanvas, valueColor } from './use-canvas.js';
import { useAnswer } from './use-answer.js';

const HEIGHT = 420;
const LEFT = 70;
const BOTTOM_GAP = 40;
const TOP = 10;

export function ContourChart({ sweepId, fields, filter, revision }: { sweepId: string; fields: FieldsAnswer | null; filter: string; revision: number }) {
  const params = fields?.params.map((p) => p.name) ?? [];
  const [xChoice, setX] = useUrlState('cx');
  const [yChoice, setY] = useUrlState('cy');
  const x = xChoice !== '' ? xChoice : (params[0] ?? '');
  const y = yChoice !== '' ? yChoice : (params[1] ?? params[0] ?? '');
  const ready = x !== '' && y !== '';
  const { data, error } = useAnswer<ContourAnswer | null>(
    () => (ready ? api.contour(sweepId, x, y, filter || undefined) : Promise.resolve(null)),
    [sweepId, x, y, filter, revision],
  );
  const cells = data === null ? 0 : data.count.filter((c) => c > 0).length;
  const { ref } = useCanvas(HEIGHT, (ctx, width, _height, colors) => draw(ctx, width, data, colors), [data]);
  const note =
    data === null
      ? ready
        ? 'loading…'
        : 'needs a param'
      : `${data.counted} of ${data.total} completed trials counted in ${data.nx} × ${data.ny} cells (${cells} with trials); colour = mean ${data.metric}, best = yellow`;
  return (
    <ChartFrame title="Contour" note={note} error={error} testid="contour" attrs={{ cells, counted: data?.counted ?? 0, total: data?.total ?? 0 }}>
      <div class="row">
        <label for="contour-x">x</label>
        <select id="contour-x" value={x} onChange={(e) => setX((e.target as HTMLSelectElement).value)}>
          {params.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <label for="contour-y">y</label>
        <select id="contour-y" value={y} onChange={(e) => setY((e.target as HTMLSelectElement).value)}>
          {params.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </div>
      <canvas ref={ref} role="img" aria-label={`mean ${data?.metric ?? 'objective'} over ${x} and ${y}`} />
    </ChartFrame>
  );
}

function draw(ctx: CanvasRenderingContext2D, width: number, data: ContourAnswer | null, colors: Theme): void {
  if (data === null) return;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const m of data.mean) {
    if (m === null) continue;
    if (m < lo) lo = m;
    if (m > hi) hi = m;
  }
  const plotW = width - LEFT - 10;
  const plotH = HEIGHT - TOP - BOTTOM_GAP;
  const cw = plotW / data.nx;
  const ch = plotH / data.ny;
  const better = data.goal === 'maximize';
  for (let cy = 0; cy < data.ny; cy++) {
    for (let cx = 0; cx < data.nx; cx++) {
      const m = data.mean[cy * data.nx + cx];
      if (m === null || m === undefined) continue;
      const t = hi === lo ? 0.5 : (m - lo) / (hi - lo);
      ctx.fillStyle = valueColor(better ? t : 1 - t);
      // y grows upwards: row 0 at the bottom.
      ctx.fillRect(LEFT + cx * cw, TOP + plotH - (cy + 1) * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }
  ctx.strokeStyle = colors.line;
  ctx.strokeRect(LEFT, TOP, plotW, plotH);
  ctx.fillStyle = colors.muted;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  const xl = data.x.kind === 'categorical' ? (data.x.categories ?? []) : [niceNumber(data.x.min ?? 0), niceNumber(data.x.max ?? 0)];
  xl.forEach((label, k) =>
    ctx.fillText(label, data.x.kind === 'categorical' ? LEFT + (k + 0.5) * cw : k === 0 ? LEFT + 14 : LEFT + plotW - 14, TOP + plotH + 14),
  );
  ctx.fillStyle = colors.fg;
  ctx.fillText(`${data.x.name}${data.x.log === true ? ' (log)' : ''}`, LEFT + plotW / 2, TOP + plotH + 32);
  ctx.textAlign = 'right';
  ctx.fillStyle = colors.muted;
  const yl = data.y.kind === 'categorical' ? (data.y.categories ?? []) : [niceNumber(data.y.min ?? 0), niceNumber(data.y.max ?? 0)];
  yl.forEach((label, k) => ctx.fillText(label, LEFT - 4, data.y.kind === 'categorical' ? TOP + plotH - (k + 0.5) * ch : k === 0 ? TOP + plotH - 4 : TOP + 10));
  ctx.save();
  ctx.translate(14, TOP + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillStyle = colors.fg;
  ctx.fillText(`${data.y.name}${data.y.log === true ? ' (log)' : ''}`, 0, 0);
  ctx.restore();
  ctx.textAlign = 'left';
  ctx.fillStyle = colors.muted;
  if (Number.isFinite(lo)) ctx.fillText(`${formatNumber(lo)} … ${formatNumber(hi)}`, LEFT, HEIGHT - 4);
}
