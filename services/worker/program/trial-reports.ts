/**
 * What one attempt of a program trial has reported so far, whichever way the values came: JSON lines
 * on stdout, `sweepq report` over the attempt's socket, or the MLflow client through the attempt's
 * local tracking endpoint (mlflow-endpoint.ts). One place keeps the bounded histories and the count of
 * rejected reports, so every channel records alike and a failed trial can say why a value is missing.
 */
import { MAX_METRICS_PER_TRIAL } from '../../../shared/metrics/metric-registry.js';
import { MetricHistory } from './metric-history.js';
import { parseReportLine, type MetricReport } from './metric-report.js';

/** Points kept per metric history. */
const HISTORY_POINTS = 500;

export class TrialReports {
  readonly histories = new Map<string, MetricHistory>();
  invalid = 0;
  /** The first rejected report and why. */
  firstInvalid: string | null = null;

  /** @param onReport called after each recorded report with its step (the pruner watches the objective's). */
  constructor(private readonly onReport: (report: MetricReport, step: number) => void = () => undefined) {}

  /** A line of stdout or of the report socket: a report is recorded, a log line ignored. */
  line(line: string): void {
    const parsed = parseReportLine(line);
    if (parsed.kind === 'log') return;
    if (parsed.kind === 'invalid') this.reject(parsed.reason, line);
    else this.add(parsed.report);
  }

  add(report: MetricReport): void {
    let history = this.histories.get(report.metric);
    if (history === undefined) {
      if (this.histories.size >= MAX_METRICS_PER_TRIAL) {
        this.reject(`more than ${MAX_METRICS_PER_TRIAL} metrics`, `${report.metric} dropped`);
        return;
      }
      history = new MetricHistory(HISTORY_POINTS);
      this.histories.set(report.metric, history);
    }
    history.add(report.value, report.step);
    this.onReport(report, history.latestStep);
  }

  reject(reason: string, sample: string): void {
    this.invalid++;
    this.firstInvalid ??= `${reason}: ${sample.slice(0, 200)}`;
  }

  /** The last value of each metric: the trial's metrics. */
  metrics(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [name, history] of this.histories) out[name] = history.last;
    return out;
  }

  historiesJSON(): Record<string, Array<[number, number | null]>> {
    return Object.fromEntries([...this.histories].map(([name, history]) => [name, history.toJSON()]));
  }
}
