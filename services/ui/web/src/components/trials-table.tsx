/**
 * The trials table: server-side filter, sort and paging (100 rows a request, fetched as they scroll
 * into view), virtualised rows (only the visible ones are in the DOM, so 100,000 trials scroll like
 * 100), a column chooser, selection for compare and the CSV export of the current view.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type FieldsAnswer, type SweepStatus, type TrialRecord } from '../api.js';
import { combinedFilter } from '../filter-text.js';
import { navigate, onLinkClick, useUrlState } from '../url-state.js';
import { FilterBox, type FilterProblem } from './filter-box.js';
import { allColumns, cellText, columnLabel, defaultColumns, firstDirection, isNumericColumn, rungCellTitle } from './trial-columns.js';

const PAGE = 50;
const ROW_HEIGHT = 28;
const VIEW_HEIGHT = 420;
const OVERSCAN = 8;
const MAX_COMPARE = 10;

interface Pages {
  key: string;
  total: number | null;
  pages: Map<number, TrialRecord[]>;
}

export function TrialsTable({ sweepId, fields, status, brush }: { sweepId: string; fields: FieldsAnswer | null; status: SweepStatus | null; brush: string }) {
  const [filter, setFilter] = useUrlState('filter');
  const [order, setOrder] = useUrlState('order');
  const [colsText, setCols] = useUrlState('cols');
  const [selText, setSel] = useUrlState('sel');
  const selected = useMemo(() => new Set(selText === '' ? [] : selText.split(',')), [selText]);
  // Unknown until the fields arrive (unless the URL names them): header and rows wait for them rather
  // than render a stand-in set of columns whose grid then re-flows (the page's largest layout shift).
  const columns: string[] | null = colsText !== '' ? colsText.split(',') : fields !== null ? defaultColumns(fields) : null;
  const effective = combinedFilter(filter, brush);
  const key = `${effective}\u0000${order}`;
  const [data, setData] = useState<Pages>({ key, total: null, pages: new Map() });
  const [problem, setProblem] = useState<FilterProblem | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const inflight = useRef(new Set<string>());
  const scroller = useRef<HTMLDivElement>(null);
  const completed = status?.counts.completed ?? 0;
  const active = status?.counts.active ?? 0;

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.floor((scrollTop + VIEW_HEIGHT) / ROW_HEIGHT) + OVERSCAN;
  const neededPages: number[] = [];
  for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) neededPages.push(p);

  const fetchPage = (page: number, forKey: string, refresh: boolean): void => {
    const id = `${forKey}\u0000${page}\u0000${refresh ? completed + active : ''}`;
    if (inflight.current.has(id)) return;
    inflight.current.add(id);
    api.trials(sweepId, { filter: effective || undefined, order_by: order || undefined, limit: PAGE, offset: page * PAGE }).then(
      (answer) => {
        inflight.current.delete(id);
        setProblem(null);
        setData((current) => {
          if (current.key !== forKey) return current;
          const pages = new Map(current.pages);
          pages.set(page, answer.trials);
          return { key: forKey, total: answer.total, pages };
        });
      },
      (error: unknown) => {
        inflight.current.delete(id);
        if (error instanceof ApiError && error.status === 400) {
          // A filter error comes back with the column it points at (the brush is built, not typed).
          const column = error.location?.path === 'filter' && brush === '' ? error.location.column : undefined;
          setProblem({ message: error.message, ...(column === undefined ? {} : { column }) });
          setData({ key: forKey, total: 0, pages: new Map() });
        } else setProblem({ message: error instanceof Error ? error.message : String(error) });
      },
    );
  };

  // A new query: start over from the top.
  useEffect(() => {
    setData({ key, total: null, pages: new Map() });
    scroller.current?.scrollTo(0, 0);
    setScrollTop(0);
    fetchPage(0, key, false);
  }, [key, sweepId]);
  // Pages scrolled into view.
  useEffect(() => {
    if (data.key !== key || data.total === null) return;
    for (const p of neededPages) if (!data.pages.has(p) && p * PAGE < data.total) fetchPage(p, key, false);
  }, [first, last, data, key]);
  // Live: the visible pages again when trials finish or start.
  useEffect(() => {
    if (data.total === null) return;
    for (const p of neededPages) fetchPage(p, key, true);
  }, [completed, active]);

  const sortBy = (column: string): void => {
    const [currentKey, currentDir] = order.split(' ');
    if (currentKey === column) setOrder(`${column} ${currentDir === 'DESC' ? 'ASC' : 'DESC'}`);
    else setOrder(`${column} ${firstDirection(column, fields)}`);
  };
  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else if (next.size < MAX_COMPARE) next.add(id);
    setSel([...next].join(','));
  };
  const template = columns === null ? '' : `36px ${columns.map((c) => (c === 'attributes.name' ? 'minmax(220px, 2fr)' : 'minmax(90px, 1fr)')).join(' ')}`;
  const total = data.total ?? 0;
  const rows = [];
  for (let i = first; columns !== null && i <= Math.min(last, total - 1); i++) {
    const trial = data.pages.get(Math.floor(i / PAGE))?.[i % PAGE];
    rows.push(
      <div
        class={`vrow${trial !== undefined && selected.has(trial.id) ? ' selected' : ''}`}
        role="row"
        aria-rowindex={i + 2}
        key={i}
        style={{ top: `${i * ROW_HEIGHT}px`, gridTemplateColumns: template }}
        data-row={i}
        data-trial-id={trial?.id}
      >
        <span role="gridcell">
          {trial !== undefined && (
            <input type="checkbox" aria-label={`select trial ${trial.index} for compare`} checked={selected.has(trial.id)} onChange={() => toggle(trial.id)} />
          )}
        </span>
        {columns.map((c) => (
          <span
            role="gridcell"
            key={c}
            class={`${isNumericColumn(c) ? 'num' : ''} ${c === 'attributes.status' && trial !== undefined ? `status-${trial.status}` : ''}`}
            style={isNumericColumn(c) ? 'text-align: right' : undefined}
            title={trial === undefined ? undefined : rungCellTitle(trial, c)}
          >
            {trial === undefined ? (
              ''
            ) : c === 'attributes.name' ? (
              <a href={`/ui/sweeps/${sweepId}/trials/${trial.id}`} onClick={onLinkClick}>
                {trial.name}
              </a>
            ) : (
              cellText(trial, c)
            )}
          </span>
        ))}
      </div>,
    );
  }
  const [orderKey, orderDir] = order.split(' ');
  return (
    <div>
      <div class="row" style="align-items: flex-start">
        <FilterBox value={filter} onApply={setFilter} problem={problem} />
        <ColumnChooser fields={fields} columns={columns ?? []} onChange={(next) => setCols(next.join(','))} />
        <a
          class="button"
          href={api.csvUrl(sweepId, { filter: effective || undefined, order_by: order || undefined, columns: columns?.join(',') })}
          download
          data-testid="csv-export"
        >
          Export CSV
        </a>
        <button
          disabled={selected.size < 2}
          data-testid="compare-button"
          onClick={() => navigate(`/ui/sweeps/${sweepId}/compare?ids=${[...selected].join(',')}`)}
        >
          Compare ({selected.size})
        </button>
      </div>
      <p class="muted" data-testid="trial-total" style="min-height: 1.4em; margin: 4px 0">
        {data.total === null ? 'loading…' : `${total} trial${total === 1 ? '' : 's'} match`}
        {(status?.counts.pruned ?? 0) > 0 && (
          <span data-testid="rung-legend"> · r1: 0.93 = a pruned trial's CV score at rung 1, where it stopped (not a full score, not ranked)</span>
        )}
      </p>
      <div class="vtable" role="grid" aria-rowcount={total + 1} aria-label="trials">
        <div class="head" role="row" style={{ gridTemplateColumns: template }}>
          <span role="columnheader" />
          {columns?.map((c) => (
            <span role="columnheader" key={c} aria-sort={orderKey === c ? (orderDir === 'DESC' ? 'descending' : 'ascending') : 'none'}>
              {/* A name longer than its column is clipped with an ellipsis (CSS, no text measuring); the title carries it whole. */}
              <button onClick={() => sortBy(c)} title={`${c} (click to sort)`} data-column={c}>
                <span class="label">{columnLabel(c)}</span>
                {orderKey === c && <span class="arrow">{orderDir === 'DESC' ? '▼' : '▲'}</span>}
              </button>
            </span>
          ))}
        </div>
        <div
          class="scroller"
          role="rowgroup"
          ref={scroller}
          tabIndex={0}
          aria-label="trial rows"
          onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
          data-testid="trial-scroller"
        >
          <div style={{ height: `${total * ROW_HEIGHT}px`, position: 'relative' }}>{rows}</div>
        </div>
      </div>
    </div>
  );
}

function ColumnChooser({ fields, columns, onChange }: { fields: FieldsAnswer | null; columns: string[]; onChange: (next: string[]) => void }) {
  // Present before the fields arrive (empty), so the toolbar does not move when they do.
  const all = fields === null ? [] : allColumns(fields);
  return (
    <details class="chooser">
      <summary>Columns ({columns.length})</summary>
      <div>
        {all.map((c) => (
          <label key={c} style="display: block">
            <input
              type="checkbox"
              checked={columns.includes(c)}
              onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                onChange(on ? all.filter((x) => x === c || columns.includes(x)) : columns.filter((x) => x !== c));
              }}
            />{' '}
            {c}
          </label>
        ))}
      </div>
    </details>
  );
}
