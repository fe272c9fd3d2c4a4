/**
 * A program trial's reported history (issue 14): one metric's values by step (uPlot, canvas), the
 * metric chosen from those the program reported, the objective first. The values are also listed in a
 * table under the chart, for screen readers and copying.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../format.js';
import { ChartFrame } from './chart-frame.js';
import { theme } from './use-canvas.js';

type History = Record<string, Array<[number, number | null]>>;

export function MetricHistoryChart({ history, objective }: { history: History; objective: string }) {
  const names = Object.keys(history).sort((a, b) => (a === objective ? -1 : b === objective ? 1 : a.localeCompare(b)));
  const [chosen, setChosen] = useState(names[0] ?? '');
  const metric = Object.hasOwn(history, chosen) ? chosen : (names[0] ?? '');
  // uPlot needs ascending x: reports arrive in the program's order, which need not be step order.
  const points = [...(history[metric] ?? [])].sort((a, b) => a[0] - b[0]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element || points.length === 0) return;
    const colors = theme();
    const options: uPlot.Options = {
      width: Math.max(300, element.clientWidth),
      height: 280,
      scales: { x: { time: false } },
      legend: { show: false },
      axes: [
        { label: 'step', stroke: colors.muted, grid: { stroke: colors.line } },
        { label: metric, stroke: colors.muted, grid: { stroke: colors.line }, size: 60 },
      ],
      series: [{ label: 'step' }, { label: metric, stroke: colors.accent, width: 2, points: { show: true, size: 5, fill: colors.accent } }],
    };
    const plot = new uPlot(options, [points.map((p) => p[0]), points.map((p) => p[1])], element);
    return () => plot.destroy();
  }, [history, metric]);
  const note = names.length === 0 ? 'the program reported no metric' : `${points.length} reported value${points.length === 1 ? '' : 's'} of ${metric}`;
  return (
    <ChartFrame title="Reported history" note={note} error="" testid="program-history" attrs={{ metric, points: points.length }}>
      {names.length > 1 && (
        <label>
          metric{' '}
          <select value={metric} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)} data-testid="program-history-metric">
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      {points.length > 0 && <div ref={box} role="img" aria-label={`${metric} by step`} />}
      {points.length > 0 && (
        <details>
          <summary>values</summary>
          <table class="data" data-testid="program-history-values">
            <thead>
              <tr>
                <th>step</th>
                <th>{metric}</th>
              </tr>
            </thead>
            <tbody>
              {points.map(([step, value], k) => (
                <tr key={k}>
                  <td class="num">{step}</td>
                  <td class="num">{formatNumber(value, 6)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </ChartFrame>
  );
}
