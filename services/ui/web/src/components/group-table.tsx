/** Group by any param (or the model): count and mean ± std of every metric per group, computed on the server. */
import { useEffect, useState } from 'preact/hooks';
import { api, type FieldsAnswer, type GroupsAnswer } from '../api.js';
import { formatNumber } from '../format.js';
import { useUrlState } from '../url-state.js';

export function GroupTable({ sweepId, fields, filter, revision }: { sweepId: string; fields: FieldsAnswer | null; filter: string; revision: number }) {
  const [by, setBy] = useUrlState('group');
  const [data, setData] = useState<GroupsAnswer | null>(null);
  const [error, setError] = useState('');
  const choice = by !== '' ? by : fields?.params[0] !== undefined ? `params.${fields.params[0].name}` : 'attributes.model';
  useEffect(() => {
    api.groups(sweepId, choice, filter || undefined).then(
      (answer) => {
        setData(answer);
        setError('');
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [sweepId, choice, filter, revision]);
  const metrics = fields?.metrics.map((m) => m.name) ?? [];
  return (
    <div>
      <div class="row">
        <label for="group-by">Group by</label>
        <select id="group-by" value={choice} onChange={(e) => setBy((e.target as HTMLSelectElement).value)}>
          <option value="attributes.model">model</option>
          {fields?.params.map((p) => (
            <option key={p.name} value={`params.${p.name}`}>
              {p.name}
            </option>
          ))}
        </select>
        <span class="muted" data-testid="group-note">
          {data === null
            ? ''
            : `${data.total} trials in ${data.groupCount} group${data.groupCount === 1 ? '' : 's'}${data.groupCount > data.groups.length ? ` (first ${data.groups.length} shown)` : ''}, best mean ${fields?.objective.metric ?? ''} first`}
        </span>
      </div>
      {error !== '' && <p class="error">{error}</p>}
      <div style="overflow: auto; max-height: 520px; margin-top: 8px">
        <table class="data" data-testid="group-table">
          <thead>
            <tr>
              <th>{choice}</th>
              <th class="num">trials</th>
              {metrics.map((m) => (
                <th key={m} class="num">
                  {m} (mean ± std)
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data?.groups.map((g) => (
              <tr key={g.value} data-group={g.value}>
                <td>{g.value}</td>
                <td class="num">{g.count}</td>
                {metrics.map((m) => {
                  const s = g.metrics[m];
                  return (
                    <td key={m} class="num" data-metric={m} data-mean={s?.mean ?? ''}>
                      {s === undefined || s.mean === null ? '—' : `${formatNumber(s.mean)} ± ${formatNumber(s.std)}`}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
