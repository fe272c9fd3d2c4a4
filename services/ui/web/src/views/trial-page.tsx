/**
 * One trial: params, every metric, fold scores, timings, and from its diagnostics (stored beside the
 * artefact by the worker) the confusion matrix, ROC and precision–recall curves and feature
 * importances or coefficients; the fitted pipeline's download and a form that predicts one row. A
 * program trial (issue 14) shows its run instead: command, exit, output tails, reported history.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, type PredictAnswer, type PredictForm, type TrialDiagnostics, type TrialRecord } from '../api.js';
import { useAnswer } from '../charts/use-answer.js';
import { CurveChart } from '../charts/curve-chart.js';
import { ProgramRunPanel } from '../components/program-run-panel.js';
import { RungNote } from '../components/rung-note.js';
import { formatDuration, formatNumber, formatParam, formatTime } from '../format.js';
import { onLinkClick } from '../url-state.js';
import { SWEEP_GONE_REASON, SweepNotFound, TrialNotFound } from './not-found.js';

/** Why there is nothing to show: no such sweep (the sweep page's state), or no such trial in it. */
type Missing = { what: 'sweep' | 'trial'; reason: string };

/**
 * A 404 or a 400 on an id is not a failure to show in red: it means there is no such sweep or trial.
 * A 404 names either; the sweep's own status tells which.
 */
async function missingFrom(error: unknown, sweepId: string): Promise<Missing | null> {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 400 && error.location?.path === 'id') return { what: 'sweep', reason: error.message };
  if (error.status === 400 && error.location?.path === 'trialId') return { what: 'trial', reason: error.message };
  if (error.status !== 404) return null;
  const sweepExists = await api.status(sweepId).then(
    () => true,
    (e: unknown) => !(e instanceof ApiError && e.status === 404),
  );
  return sweepExists
    ? { what: 'trial', reason: 'The sweep has no trial with this id: it may have been deleted, or the link has a typo.' }
    : { what: 'sweep', reason: SWEEP_GONE_REASON };
}

export function TrialPage({ sweepId, trialId }: { sweepId: string; trialId: string }) {
  const [missing, setMissing] = useState<Missing | null>(null);
  const { data: trial, error } = useAnswer(
    () =>
      api.trial(sweepId, trialId).catch(async (e: unknown) => {
        const found = await missingFrom(e, sweepId);
        if (found === null) throw e;
        setMissing(found);
        return null;
      }),
    [sweepId, trialId],
  );
  const completed = trial?.status === 'completed';
  if (missing?.what === 'sweep') return <SweepNotFound sweepId={sweepId} reason={missing.reason} />;
  if (missing?.what === 'trial') return <TrialNotFound sweepId={sweepId} trialId={trialId} reason={missing.reason} />;
  return (
    <section data-testid="trial-page">
      <p>
        <a href={`/ui/sweeps/${sweepId}`} onClick={onLinkClick}>
          ← sweep {sweepId}
        </a>
      </p>
      <h1>
        {trial?.name ?? trialId} <span class="muted">{trialId}</span>
      </h1>
      {error !== '' && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {trial !== null && <TrialSummary trial={trial} />}
      {trial?.model === 'program' && <ProgramRunPanel sweepId={sweepId} trialId={trialId} revision={trial.status} />}
      {completed && trial.model !== 'program' && <Diagnostics sweepId={sweepId} trialId={trialId} />}
      {completed && trial.model !== 'program' && trial.artifact !== null && <Predictor sweepId={sweepId} trialId={trialId} />}
    </section>
  );
}

function TrialSummary({ trial }: { trial: TrialRecord }) {
  const t = trial.timings;
  const program = trial.model === 'program';
  return (
    <div class="grid2">
      <div class="panel">
        <h2>Params</h2>
        <table class="data" data-testid="trial-params">
          <tbody>
            <tr>
              <th>model</th>
              <td>{trial.model}</td>
            </tr>
            {Object.entries(trial.params).map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{formatParam(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted">
          status <span class={`status-${trial.status}`}>{trial.status}</span> · worker {trial.worker ?? '—'} · started {formatTime(trial.startedAt)} · attempt{' '}
          {trial.attempt}
        </p>
        {/* A program trial's error is shown split into reason and output, in its run panel. */}
        {trial.error !== null && !program && <p class="error">{trial.error}</p>}
        {trial.artifact !== null && (
          <a class="button" href={api.artifactUrl(trial.sweepId, trial.id)} download={`${trial.id}.json`} data-testid="artifact-download">
            {program ? "Download the manifest of the program's files" : 'Download the fitted pipeline'}
          </a>
        )}
      </div>
      <div class="panel">
        <h2>Metrics</h2>
        <table class="data" data-testid="trial-metrics">
          <tbody>
            {Object.entries(trial.metrics ?? {}).map(([k, v]) => (
              <tr key={k} data-metric={k}>
                <th>{k}</th>
                <td class="num">
                  {formatNumber(v)}
                  <RungNote trial={trial} metric={k} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {program ? null : (
          <>
            <h3>CV fold scores</h3>
            <p data-testid="trial-folds">
              {trial.folds === null ? '—' : trial.folds.map((f) => formatNumber(f)).join(' · ')}
              <RungNote trial={trial} metric="folds" />
            </p>
          </>
        )}
        <h3>Timings</h3>
        <p data-testid="trial-timings">
          {t === null
            ? '—'
            : program
              ? // A program trial's fit time is its program's run (services/worker/trial.processor.ts); it has no CV or eval step.
                `run ${formatDuration(t.fitMs)} · store ${formatDuration(t.storeMs)} · total ${formatDuration(trial.durationMs ?? t.totalMs)}`
              : `load ${formatDuration(t.loadMs)} · fit ${formatDuration(t.fitMs)} · cv ${formatDuration(t.cvMs)} · eval ${formatDuration(t.evalMs)} · store ${formatDuration(t.storeMs)} · total ${formatDuration(trial.durationMs ?? t.totalMs)}`}
        </p>
      </div>
    </div>
  );
}

function Diagnostics({ sweepId, trialId }: { sweepId: string; trialId: string }) {
  const { data, error } = useAnswer<TrialDiagnostics>(() => api.diagnostics(sweepId, trialId), [sweepId, trialId]);
  if (error !== '') return <p class="muted">{error}</p>;
  if (data === null) return <p class="muted">loading diagnostics…</p>;
  const classes = data.classes ?? [];
  return (
    <div class="grid2" style="margin-top: 16px">
      {data.confusion !== undefined && (
        <div class="panel">
          <h2>Confusion matrix</h2>
          <p class="muted">rows: true class, columns: predicted, {data.testRows} test rows</p>
          <table class="data confusion" data-testid="confusion-matrix">
            <thead>
              <tr>
                <th />
                {classes.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.confusion.map((row, r) => (
                <tr key={r}>
                  <th>{classes[r]}</th>
                  {row.map((n, c) => (
                    <td key={c} style={r === c ? 'font-weight: 600' : undefined}>
                      {n}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data.roc !== undefined && (
        <div class="panel">
          <h2>ROC</h2>
          <CurveChart kind="roc" curves={data.roc.map((curve) => ({ label: curve.label, curve }))} testid="roc-chart" />
        </div>
      )}
      {data.pr !== undefined && (
        <div class="panel">
          <h2>Precision–recall</h2>
          <CurveChart kind="pr" curves={data.pr.map((curve) => ({ label: curve.label, curve }))} testid="pr-chart" />
        </div>
      )}
      {data.residuals !== undefined && (
        <div class="panel">
          <h2>Residuals</h2>
          <p data-testid="residuals">
            mean {formatNumber(data.residuals.mean)} · std {formatNumber(data.residuals.std)} · MAE {formatNumber(data.residuals.mae)} · p05{' '}
            {formatNumber(data.residuals.p05)} · p50 {formatNumber(data.residuals.p50)} · p95 {formatNumber(data.residuals.p95)}
          </p>
        </div>
      )}
      {data.importances !== null && (
        <div class="panel">
          <h2>{data.importances.kind === 'coefficients' ? 'Coefficients' : `Feature importances (permutation, ${data.importances.scoring ?? ''})`}</h2>
          <p class="muted">
            {data.importances.features.length} of {data.importances.totalFeatures} features, largest first
          </p>
          <ImportanceBars features={data.importances.features} values={data.importances.values} />
        </div>
      )}
    </div>
  );
}

function ImportanceBars({ features, values }: { features: string[]; values: number[] }) {
  let top = 0;
  for (const v of values) top = Math.max(top, Math.abs(v));
  return (
    <div class="bars" data-testid="feature-importances" role="list">
      {features.map((f, k) => (
        <div class="bar" role="listitem" key={f}>
          <span>{f}</span>
          <div style={{ width: `${top > 0 ? (100 * Math.abs(values[k]!)) / top : 0}%`, background: values[k]! < 0 ? 'var(--bad)' : undefined }} />
          <span class="num">{formatNumber(values[k], 3)}</span>
        </div>
      ))}
    </div>
  );
}

function Predictor({ sweepId, trialId }: { sweepId: string; trialId: string }) {
  const { data: form, error } = useAnswer<PredictForm>(() => api.predictForm(sweepId, trialId), [sweepId, trialId]);
  const [row, setRow] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<PredictAnswer | null>(null);
  const [problem, setProblem] = useState('');
  if (error !== '') return <p class="muted">predict: {error}</p>;
  if (form === null) return null;
  const submit = (event: Event): void => {
    event.preventDefault();
    const body: Record<string, string | number | null> = {};
    for (const c of form.columns) {
      const text = (row[c.name] ?? '').trim();
      body[c.name] = text === '' ? null : c.type === 'numeric' && Number.isFinite(Number(text)) ? Number(text) : text;
    }
    setProblem('');
    api.predict(sweepId, trialId, body).then(setAnswer, (e: unknown) => setProblem(e instanceof Error ? e.message : String(e)));
  };
  return (
    <form class="panel" style="margin-top: 16px" onSubmit={submit} data-testid="predict-form">
      <h2>Predict one row</h2>
      <p class="muted">Empty cells are missing values (the pipeline's imputer fills them).</p>
      <div class="stats">
        {form.columns.map((c) => (
          <label key={c.name} class="stat">
            <span class="label">{c.name}</span>
            <input
              name={c.name}
              value={row[c.name] ?? ''}
              inputMode={c.type === 'numeric' ? 'decimal' : 'text'}
              onInput={(e) => setRow({ ...row, [c.name]: (e.target as HTMLInputElement).value })}
            />
          </label>
        ))}
      </div>
      <button class="primary" type="submit">
        Predict
      </button>
      <p data-testid="predict-answer" role="status">
        {answer === null
          ? ''
          : `${form.target ?? 'prediction'}: ${String(answer.prediction)}${
              answer.probabilities === undefined
                ? ''
                : ` (${Object.entries(answer.probabilities)
                    .map(([k, p]) => `${k}: ${formatNumber(p, 3)}`)
                    .join(', ')})`
            }`}
      </p>
      {problem !== '' && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
