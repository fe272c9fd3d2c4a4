/**
 * One sweep, live: status over server-sent events (progress, counts, ETA, best so far, throughput,
 * workers), the actions (cancel / retry / extend: write role, CSRF-checked), then the trials table,
 * group-by and charts in tabs. The table's filter, the parallel-coordinates brush, the sort, columns,
 * tab and selection are all in the URL.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type FieldsAnswer, type SessionInfo, type SweepStatus } from '../api.js';
import { ContourChart } from '../charts/contour-chart.js';
import { FoldsChart } from '../charts/folds-chart.js';
import { HistoryChart } from '../charts/history-chart.js';
import { ImportanceChart } from '../charts/importance-chart.js';
import { ParallelCoordinates } from '../charts/parallel-coordinates.js';
import { SliceChart } from '../charts/slice-chart.js';
import { TimelineChart } from '../charts/timeline-chart.js';
import { GroupTable } from '../components/group-table.js';
import { StatusPanel } from '../components/status-panel.js';
import { SweepActions } from '../components/sweep-actions.js';
import { TrialsTable } from '../components/trials-table.js';
import { combinedFilter } from '../filter-text.js';
import { useUrlState } from '../url-state.js';
import { missingSweepReason, SweepNotFound } from './not-found.js';

const TABS = [
  ['table', 'Trials'],
  ['groups', 'Group by'],
  ['history', 'History'],
  ['parallel', 'Parallel coordinates'],
  ['slice', 'Slice'],
  ['contour', 'Contour'],
  ['importance', 'Importance'],
  ['folds', 'CV folds'],
  ['timeline', 'Timeline'],
] as const;

export function SweepPage({ sweepId, session }: { sweepId: string; session: SessionInfo }) {
  const [status, setStatus] = useState<SweepStatus | null>(null);
  const [fields, setFields] = useState<FieldsAnswer | null>(null);
  const [error, setError] = useState('');
  // Why there is no such sweep, once a request says so; null while it may exist.
  const [missing, setMissing] = useState<string | null>(null);
  // A 404 (no such sweep) or a 400 on the id itself (not a sweep id at all) from any of the page's
  // requests means there is nothing to show: the whole page says so once, instead of every panel.
  const fail = (e: unknown): void => {
    const reason = missingSweepReason(e);
    if (reason !== null) setMissing(reason);
    else setError(e instanceof Error ? e.message : String(e));
  };
  const [tab, setTab] = useUrlState('tab', 'table');
  const [filter] = useUrlState('filter');
  const [brush, setBrush] = useUrlState('brush');
  const effective = combinedFilter(filter, brush);

  useEffect(() => {
    setStatus(null);
    setMissing(null);
    const source = new EventSource(api.eventsUrl(sweepId));
    source.addEventListener('status', (event) => {
      setStatus(JSON.parse((event as MessageEvent<string>).data) as SweepStatus);
      setError('');
    });
    source.onerror = () => {
      // EventSource reconnects by itself; a 404 or 401 closes it: say why with one plain request.
      if (source.readyState === EventSource.CLOSED) api.status(sweepId).catch(fail);
    };
    return () => source.close();
  }, [sweepId]);

  // Fields (params, metrics) change as trials arrive: refetch when the completed count moves.
  const completed = status?.counts.completed ?? -1;
  const created = status?.created ?? -1;
  useEffect(() => {
    api.fields(sweepId).then(setFields, fail);
  }, [sweepId, completed, created]);

  if (missing !== null) return <SweepNotFound sweepId={sweepId} reason={missing} />;
  return (
    <section>
      <div class="row" style="justify-content: space-between; min-height: 40px">
        {/* The id first: it is known at once, so the name arriving later does not move it. */}
        <h1>
          <span class="muted">{sweepId}</span> {status?.name ?? ''}
        </h1>
        <SweepActions sweepId={sweepId} status={status} session={session} onStatus={setStatus} />
      </div>
      {error !== '' && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <StatusPanel status={status} />
      <div class="tabs" role="tablist" aria-label="sweep views">
        {TABS.map(([key, label]) => (
          <button key={key} role="tab" id={`tab-${key}`} aria-selected={tab === key} aria-controls="tabpanel" onClick={() => setTab(key)}>
            {label}
          </button>
        ))}
      </div>
      {brush !== '' && (
        <p class="row">
          <span class="chip" data-testid="brush-chip">
            brushed: <code>{brush}</code>
            <button aria-label="clear the brush" onClick={() => setBrush('')}>
              ×
            </button>
          </span>
        </p>
      )}
      <div id="tabpanel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'table' && <TrialsTable sweepId={sweepId} fields={fields} status={status} brush={brush} />}
        {tab === 'groups' && <GroupTable sweepId={sweepId} fields={fields} filter={effective} revision={completed} />}
        {tab === 'history' && <HistoryChart sweepId={sweepId} filter={effective} revision={completed} />}
        {tab === 'parallel' && <ParallelCoordinates sweepId={sweepId} filter={filter} brush={brush} onBrush={setBrush} revision={completed} />}
        {tab === 'slice' && <SliceChart sweepId={sweepId} filter={effective} revision={completed} />}
        {tab === 'contour' && <ContourChart sweepId={sweepId} fields={fields} filter={effective} revision={completed} />}
        {tab === 'importance' && <ImportanceChart sweepId={sweepId} revision={completed} />}
        {tab === 'folds' && <FoldsChart sweepId={sweepId} fields={fields} filter={effective} revision={completed} />}
        {tab === 'timeline' && <TimelineChart sweepId={sweepId} filter={effective} revision={completed} />}
      </div>
    </section>
  );
}
