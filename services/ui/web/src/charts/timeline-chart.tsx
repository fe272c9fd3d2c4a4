/** Trials per worker over time: a lane per worker with a bar per trial, or busy fractions per time bucket past 5,000 trials. */
import { api, type TimelineAnswer } from '../api.js';
import { formatDuration } from '../format.js';
import { ChartFrame } from './chart-frame.js';
import { type Theme, useCanvas, valueColor } from './use-canvas.js';
import { useAnswer } from './use-answer.js';

const LANE = 22;
const LEFT = 150;
const TOP = 8;

export function TimelineChart({ sweepId, filter, revision }: { sweepId: string; filter: string; revision: number }) {
  const { data, error } = useAnswer(() => api.timeline(sweepId, filter || undefined), [sweepId, filter, revision]);
  const height = TOP + Math.max(1, data?.workers.length ?? 1) * LANE + 28;
  const { ref } = useCanvas(height, (ctx, width, h, colors) => data !== null && draw(ctx, width, h, data, colors), [data]);
  const bars = data?.mode === 'bars' ? ((data.start as number[] | undefined)?.length ?? 0) : 0;
  const note =
    data === null
      ? 'loading…'
      : data.mode === 'bars'
        ? `${data.total} finished trials on ${data.workers.length} worker${data.workers.length === 1 ? '' : 's'}, every one drawn, over ${formatDuration(data.to - data.from)}`
        : `${data.total} finished trials on ${data.workers.length} workers drawn as ${data.buckets} time buckets of ${formatDuration(data.bucketMs)} (shade = how busy)`;
  return (
    <ChartFrame
      title="Timeline of trials per worker"
      note={note}
      error={error}
      testid="timeline"
      attrs={{ bars, lanes: data?.workers.length ?? 0, mode: data?.mode ?? '' }}
    >
      <canvas ref={ref} role="img" aria-label={`timeline of ${data?.total ?? 0} trials`} />
    </ChartFrame>
  );
}

const STATUS_COLOR: Record<string, keyof Theme> = { completed: 'good', failed: 'bad', quarantined: 'bad', cancelled: 'warn', pruned: 'warn' };

function draw(ctx: CanvasRenderingContext2D, width: number, height: number, data: TimelineAnswer, colors: Theme): void {
  const span = Math.max(1, data.to - data.from);
  const xOf = (t: number): number => LEFT + ((t - data.from) / span) * (width - LEFT - 10);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (let w = 0; w < data.workers.length; w++) {
    ctx.fillStyle = colors.fg;
    const label = data.workers[w]!;
    ctx.fillText(label.length > 22 ? `…${label.slice(-21)}` : label, LEFT - 6, TOP + w * LANE + LANE / 2);
  }
  if (data.mode === 'bars') {
    const start = data.start as number[];
    for (let i = 0; i < start.length; i++) {
      const lane = data.worker![i]!;
      const x0 = xOf(start[i]!);
      const x1 = Math.max(x0 + 1, xOf(data.end![i]!));
      ctx.fillStyle = colors[STATUS_COLOR[data.status![i]!] ?? 'accent'];
      ctx.fillRect(x0, TOP + lane * LANE + 3, x1 - x0, LANE - 6);
    }
  } else {
    const bucketW = (width - LEFT - 10) / data.buckets!;
    for (let w = 0; w < data.busy!.length; w++) {
      const row = data.busy![w]!;
      for (let b = 0; b < row.length; b++) {
        if (row[b]! <= 0) continue;
        ctx.fillStyle = valueColor(Math.min(1, row[b]!), 0.9);
        ctx.fillRect(LEFT + b * bucketW, TOP + w * LANE + 3, Math.ceil(bucketW), LANE - 6);
      }
    }
  }
  ctx.fillStyle = colors.muted;
  ctx.textAlign = 'left';
  ctx.fillText('0', LEFT, height - 12);
  ctx.textAlign = 'right';
  ctx.fillText(formatDuration(span), width - 10, height - 12);
}
