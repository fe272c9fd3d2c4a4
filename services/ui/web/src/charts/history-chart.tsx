/** Optimization history: the objective per completed trial in completion order, and the best so far (uPlot, canvas). */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type HistoryAnswer } from '../api.js';
import { ChartFrame } from './chart-frame.js';
import { theme } from './use-canvas.js';
import { useAnswer } from './use-answer.js';

export function HistoryChart({ sweepId, filter, revision }: { sweepId: string; filter: string; revision: number }) {
  const { data, error } = useAnswer(() => api.history(sweepId, filter || undefined), [sweepId, filter, revision]);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element || data === null) return;
    const colors = theme();
    const width = Math.max(300, element.clientWidth);
    const options: uPlot.Options = {
      width,
      height: 360,
      scales: { x: { time: false } },
      legend: { show: true },
      axes: [
        { label: 'completed trials (in finish order)', stroke: colors.muted, grid: { stroke: colors.line } },
        { label: data.metric, stroke: colors.muted, grid: { stroke: colors.line }, size: 60 },
      ],
      series: [
        { label: 'trial' },
        { label: data.metric, stroke: colors.accent, paths: () => null, points: { show: true, size: 4, fill: colors.accent } },
        { label: 'best so far', stroke: colors.good, width: 2, points: { show: false } },
      ],
    };
    plot.current?.destroy();
    plot.current = new uPlot(options, [data.x, data.y, data.best], element);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [data]);
  return (
    <ChartFrame title="Optimization history" note={noteOf(data)} error={error} testid="history" attrs={{ points: data?.drawn ?? 0, total: data?.total ?? 0 }}>
      <div ref={box} style="min-height: 400px" />
    </ChartFrame>
  );
}

function noteOf(data: HistoryAnswer | null): string {
  if (data === null) return 'loading…';
  if (data.total === 0) return 'no completed trial with a value yet';
  return data.bucketSize === 1
    ? `${data.total} completed trials, every one drawn (${data.goal} ${data.metric})`
    : `${data.total} completed trials drawn as ${data.drawn} points: lowest and highest of every ${data.bucketSize} consecutive trials; best-so-far exact at each bucket`;
}
