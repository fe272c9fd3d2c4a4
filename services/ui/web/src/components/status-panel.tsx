/** Progress, counts, ETA, best so far, throughput and workers of a sweep (fixed heights: no layout jumps as data arrives). */
import type { SweepStatus } from '../api.js';
import { formatDuration, formatNumber, formatTime } from '../format.js';
import { onLinkClick } from '../url-state.js';
import { ProgressBar } from './progress-bar.js';

export function StatusPanel({ status }: { status: SweepStatus | null }) {
  const c = status?.counts;
  const done = status === null ? 0 : status.total - c!.queued - c!.active;
  const perMinute = status !== null && status.elapsedMs > 0 ? (done / status.elapsedMs) * 60_000 : null;
  const best = status?.best ?? null;
  const bestValue = best?.metrics?.[status?.objective.metric ?? ''] ?? null;
  return (
    <div data-testid="status-panel">
      <div class="row" style="min-height: 22px">
        <div style="flex: 1">
          <ProgressBar done={done} total={status?.total ?? 0} />
        </div>
        <span data-testid="progress-text" style="min-width: 380px; text-align: right">
          {status === null ? '…' : `${done} / ${status.total} finished (${status.percent}%) · ${status.state}`}
        </span>
      </div>
      <div class="stats">
        <Stat label="completed" value={c?.completed} testid="count-completed" />
        <Stat label="active" value={c?.active} testid="count-active" />
        <Stat label="queued" value={c?.queued} testid="count-queued" />
        <Stat label="failed / quarantined" value={c === undefined ? undefined : `${c.failed} / ${c.quarantined}`} />
        <Stat label="cancelled / pruned" value={c === undefined ? undefined : `${c.cancelled} / ${c.pruned}`} />
        <Stat
          label="ETA"
          value={status === null ? undefined : status.state === 'running' || status.state === 'queued' ? formatDuration(status.etaMs) : 'done'}
          testid="eta"
        />
        <Stat label="elapsed" value={status === null ? undefined : formatDuration(status.elapsedMs)} />
        <Stat label="throughput" value={perMinute === null ? '—' : `${formatNumber(perMinute, 1)} /min`} />
        <Stat
          label={`best ${status?.objective.metric ?? ''} (${status?.objective.goal ?? ''})`}
          testid="best-so-far"
          value={
            best === null ? (
              '—'
            ) : (
              <a href={`/ui/sweeps/${best.sweepId}/trials/${best.id}`} onClick={onLinkClick}>
                {formatNumber(bestValue)}
              </a>
            )
          }
        />
      </div>
      <details>
        <summary>Workers ({status?.workers.length ?? 0})</summary>
        <table class="data" data-testid="workers-table">
          <thead>
            <tr>
              <th>Host</th>
              <th class="num">PID</th>
              <th>Current trials</th>
              <th>Last heartbeat</th>
              <th class="num">Finished</th>
              <th>Health</th>
            </tr>
          </thead>
          <tbody>
            {status?.workers.map((w) => (
              <tr key={w.id}>
                <td>{w.host}</td>
                <td class="num">{w.pid}</td>
                <td>{w.current.join(', ') || '—'}</td>
                <td>{formatTime(w.heartbeatAt)}</td>
                <td class="num">{w.finished}</td>
                <td>{w.health}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function Stat({ label, value, testid }: { label: string; value: unknown; testid?: string }) {
  return (
    <div class="stat">
      <div class="label">{label}</div>
      <div class="value" data-testid={testid}>
        {value === undefined ? '…' : (value as string)}
      </div>
    </div>
  );
}
