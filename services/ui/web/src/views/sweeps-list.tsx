/** Every sweep, newest first: state, progress, best objective, trial count, duration, created; search by name. */
import { useEffect, useState } from 'preact/hooks';
import { api, type SweepListAnswer } from '../api.js';
import { ProgressBar } from '../components/progress-bar.js';
import { formatDuration, formatNumber, formatTime } from '../format.js';
import { onLinkClick, useUrlState } from '../url-state.js';

const PAGE = 100;

export function SweepsList() {
  const [search, setSearch] = useUrlState('q');
  const [offsetText, setOffset] = useUrlState('offset', '0');
  const offset = Number(offsetText) || 0;
  const [data, setData] = useState<SweepListAnswer | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    const load = (): void => {
      api.sweeps({ search, limit: PAGE, offset }).then(
        (answer) => live && (setData(answer), setError('')),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    };
    load();
    // The list refreshes slowly on its own; a sweep's own page is the live one.
    const timer = setInterval(load, 5000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [search, offset]);
  return (
    <section>
      <h1>Sweeps</h1>
      <div class="row">
        <label for="search">Search by name</label>
        <input
          id="search"
          type="search"
          value={search}
          placeholder="experiment name or sweep id"
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
        />
        <span class="muted" data-testid="sweep-count">
          {data === null ? '' : `${data.total} sweep${data.total === 1 ? '' : 's'}`}
        </span>
      </div>
      {error !== '' && <p class="error">{error}</p>}
      <table class="data" data-testid="sweeps-table" style="margin-top: 8px">
        <thead>
          <tr>
            <th>Experiment</th>
            <th>Sweep</th>
            <th>State</th>
            <th style="min-width: 140px">Progress</th>
            <th class="num">Best objective</th>
            <th class="num">Trials</th>
            <th class="num">Duration</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {data?.sweeps.map((s) => {
            const c = s.counts;
            const done = s.total - c.queued - c.active;
            const end = s.finishedAt ?? Date.now();
            return (
              <tr key={s.id} data-sweep-id={s.id}>
                <td>{s.name}</td>
                <td>
                  <a href={`/ui/sweeps/${s.id}`} onClick={onLinkClick}>
                    {s.id}
                  </a>
                </td>
                <td class={`status-${s.state === 'running' ? 'active' : s.state}`}>{s.state}</td>
                <td>
                  <ProgressBar done={done} total={s.total} />
                </td>
                <td class="num">
                  {formatNumber(s.bestValue)} <span class="muted">{s.objective.metric}</span>
                </td>
                <td class="num">{s.total}</td>
                <td class="num">{formatDuration(end - s.createdAt)}</td>
                <td>{formatTime(s.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data !== null && data.total > PAGE && (
        <div class="row" style="margin-top: 8px">
          <button disabled={offset === 0} onClick={() => setOffset(String(Math.max(0, offset - PAGE)))}>
            Previous
          </button>
          <span class="muted">
            {offset + 1}–{Math.min(data.total, offset + PAGE)} of {data.total}
          </span>
          <button disabled={offset + PAGE >= data.total} onClick={() => setOffset(String(offset + PAGE))}>
            Next
          </button>
        </div>
      )}
    </section>
  );
}
