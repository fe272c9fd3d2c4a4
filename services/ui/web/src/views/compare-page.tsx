/** Compare 2–10 trials: the params that differ (highlighted), every metric side by side, ROC curves overlaid. */
import { api, type TrialDiagnostics, type TrialRecord } from '../api.js';
import { useAnswer } from '../charts/use-answer.js';
import { CurveChart, type LabelledCurve } from '../charts/curve-chart.js';
import { formatNumber, formatParam } from '../format.js';
import { RungNote } from '../components/rung-note.js';
import { onLinkClick, useUrlState } from '../url-state.js';

const MAX_COMPARED = 10;

export function ComparePage({ sweepId }: { sweepId: string }) {
  const [idsText] = useUrlState('ids');
  const ids = idsText
    .split(',')
    .filter((id) => id !== '')
    .slice(0, MAX_COMPARED);
  const { data: trials, error } = useAnswer(() => Promise.all(ids.map((id) => api.trial(sweepId, id))), [sweepId, idsText]);
  // Diagnostics are optional per trial (failed trials, older sweeps): a missing one leaves its curve out.
  const { data: diagnostics } = useAnswer(
    () => Promise.all(ids.map((id) => api.diagnostics(sweepId, id).catch((): TrialDiagnostics | null => null))),
    [sweepId, idsText],
  );
  return (
    <section data-testid="compare-page">
      <p>
        <a href={`/ui/sweeps/${sweepId}`} onClick={onLinkClick}>
          ← sweep {sweepId}
        </a>
      </p>
      <h1>Compare {ids.length} trials</h1>
      {ids.length < 2 && <p class="error">Pick 2 to {MAX_COMPARED} trials in the table (the checkboxes), then Compare.</p>}
      {error !== '' && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {trials !== null && <CompareTables trials={trials} />}
      {trials !== null && diagnostics !== null && <OverlaidRoc trials={trials} diagnostics={diagnostics} />}
    </section>
  );
}

function CompareTables({ trials }: { trials: TrialRecord[] }) {
  const paramNames = [...new Set(trials.flatMap((t) => ['model', ...Object.keys(t.params)]))];
  const valueOf = (t: TrialRecord, name: string): string =>
    name === 'model' ? (t.model ?? '—') : Object.hasOwn(t.params, name) ? formatParam(t.params[name]) : '—';
  const differing = paramNames.filter((name) => new Set(trials.map((t) => valueOf(t, name))).size > 1);
  const metricNames = [...new Set(trials.flatMap((t) => Object.keys(t.metrics ?? {})))];
  return (
    <div class="grid2">
      <div class="panel">
        <h2>Params that differ</h2>
        <p class="muted">
          {differing.length} of {paramNames.length} differ; the rest are equal in every trial
        </p>
        <table class="data" data-testid="compare-params">
          <thead>
            <tr>
              <th>param</th>
              {trials.map((t) => (
                <th key={t.id}>#{t.index}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {differing.map((name) => (
              <tr key={name} class="diff" data-param={name}>
                <th>{name}</th>
                {trials.map((t) => (
                  <td key={t.id}>{valueOf(t, name)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="panel">
        <h2>Metrics</h2>
        <table class="data" data-testid="compare-metrics">
          <thead>
            <tr>
              <th>metric</th>
              {trials.map((t) => (
                <th key={t.id} class="num">
                  #{t.index}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {metricNames.map((m) => (
              <tr key={m} data-metric={m}>
                <th>{m}</th>
                {trials.map((t) => (
                  <td key={t.id} class="num">
                    {formatNumber(t.metrics?.[m] ?? null)}
                    {t.metrics?.[m] !== undefined && <RungNote trial={t} metric={m} />}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function OverlaidRoc({ trials, diagnostics }: { trials: TrialRecord[]; diagnostics: Array<TrialDiagnostics | null> }) {
  const curves: LabelledCurve[] = [];
  for (let k = 0; k < trials.length; k++) {
    // Binary tasks have one curve; for more classes the first class's one-vs-rest curve stands for the trial.
    const curve = diagnostics[k]?.roc?.[0];
    if (curve !== undefined) curves.push({ label: `#${trials[k]!.index}`, curve });
  }
  return (
    <div class="panel" style="margin-top: 16px">
      <h2>ROC curves</h2>
      {curves.length === 0 ? <p class="muted">no ROC curves among these trials</p> : <CurveChart kind="roc" curves={curves} testid="compare-roc" />}
    </div>
  );
}
