/** Param importance (PED-ANOVA, computed on the server and cached by completed-trial count) as bars. */
import { api } from '../api.js';
import { formatNumber, formatShare } from '../format.js';
import { ChartFrame } from './chart-frame.js';
import { useAnswer } from './use-answer.js';

export function ImportanceChart({ sweepId, revision }: { sweepId: string; revision: number }) {
  const { data, error } = useAnswer(() => api.importance(sweepId), [sweepId, revision]);
  const top = data?.params.reduce((m, p) => Math.max(m, p.importance), 0) ?? 0;
  const note =
    data === null
      ? 'loading…'
      : `PED-ANOVA over ${data.completed} completed trials (top ${Math.round(data.topQuantile * 100)}% by ${data.metric} against all), ${formatNumber(data.computeMs, 1)} ms${data.cached ? ', cached' : ''}`;
  return (
    <ChartFrame title="Param importance" note={note} error={error} testid="importance" attrs={{ bars: data?.params.length ?? 0 }}>
      <div class="bars" role="list">
        {data?.params.map((p) => (
          <div class="bar" role="listitem" key={p.name} data-param={p.name} data-importance={p.importance}>
            <span>{p.name}</span>
            <div style={{ width: `${top > 0 ? (100 * p.importance) / top : 0}%` }} />
            <span class="num">{formatShare(p.importance)}</span>
          </div>
        ))}
      </div>
    </ChartFrame>
  );
}
