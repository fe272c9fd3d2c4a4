/**
 * What a program trial ran and how it ended (issue 14): its command, exit code or signal, duration,
 * why it ended (the run record's reason), the trial's error, stdout and stderr tails and the history of what it reported. Output is the user's
 * program's text: it is only ever rendered as text (Preact escapes it), never as HTML.
 */
import { describeProgramEnd } from '../../../../../shared/program/program-end-reason.js';
import { api, type ProgramRun } from '../api.js';
import { MetricHistoryChart } from '../charts/metric-history-chart.js';
import { useAnswer } from '../charts/use-answer.js';
import { formatDuration } from '../format.js';

export function ProgramRunPanel({ sweepId, trialId, revision }: { sweepId: string; trialId: string; revision: string }) {
  const { data: run, error } = useAnswer<ProgramRun>(() => api.programRun(sweepId, trialId), [sweepId, trialId, revision]);
  if (error !== '') return <p class="error">program run: {error}</p>;
  if (run === null) return <p class="muted">loading the program run…</p>;
  return (
    <div class="grid2" style="margin-top: 16px" data-testid="program-run">
      <div class="panel">
        <h2>Program</h2>
        <p class="command-line" data-testid="program-command">
          {run.command === null ? '—' : run.command.map(quoteArgument).join(' ')}
        </p>
        <p data-testid="program-exit">
          {exitText(run)} · ran {formatDuration(run.durationMs)}
        </p>
        {run.reason !== null && <p data-testid="program-reason">ended: {describeProgramEnd(run.reason)}</p>}
        {run.failure !== null && (
          // pre-wrap: an older version's error quotes output lines, kept as lines.
          <p class="error" data-testid="program-failure" style="white-space: pre-wrap">
            {run.failure}
          </p>
        )}
        {run.invalidReports > 0 && (
          <p class="muted">
            {run.invalidReports} line{run.invalidReports === 1 ? '' : 's'} looked like reports but were not: {run.firstInvalidReport}
          </p>
        )}
        <OutputTail name="stderr" text={run.stderr} />
        <OutputTail name="stdout" text={run.stdout} />
      </div>
      <MetricHistoryChart history={run.history} objective={run.objective} />
    </div>
  );
}

function OutputTail({ name, text }: { name: 'stdout' | 'stderr'; text: string | null }) {
  return (
    <>
      <h3>{name} (last lines)</h3>
      {text === null ? (
        <p class="muted" data-testid={`program-${name}`}>
          not recorded: the program never ran, or it failed under an older sweepq (its error says what was kept)
        </p>
      ) : text === '' ? (
        <p class="muted" data-testid={`program-${name}`}>
          empty: the program wrote nothing to {name}
        </p>
      ) : (
        // tabIndex: a scrollable region must be reachable by keyboard.
        <pre class="output-tail" data-testid={`program-${name}`} tabIndex={0} aria-label={`${name} of the program`}>
          {text}
        </pre>
      )}
    </>
  );
}

function exitText(run: ProgramRun): string {
  if (run.signal !== null) return `killed by ${run.signal}`;
  if (run.exitCode !== null) return `exit code ${run.exitCode}`;
  return run.status === 'active' || run.status === 'queued' ? 'running' : 'no exit code';
}

/** An argument as a shell would need it quoted, so the line can be copied and run by hand. */
function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
