/**
 * What a program prints on stdout: a JSON line `{"metric": "val_auc", "value": 0.91, "step": 3}` is a
 * report; any other line is a log line. A line that starts like a report but is not a valid one is
 * counted, so a failed trial can say why nothing was recorded.
 */
import { METRIC_NAME_PATTERN } from '../../../shared/metrics/metric-registry.js';

export interface MetricReport {
  metric: string;
  /** null: the program reported "no value" (NaN, undefined). */
  value: number | null;
  /** Step of an intermediate value (epoch, iteration); absent = the next step after the last one. */
  step: number | undefined;
}

export type ReportLine = { kind: 'report'; report: MetricReport } | { kind: 'log' } | { kind: 'invalid'; reason: string };

/** Longest line parsed as a report (a report is a few dozen bytes). */
const MAX_REPORT_LINE = 4096;

export function parseReportLine(line: string): ReportLine {
  const text = line.trim();
  if (!text.startsWith('{') || !text.includes('"metric"')) return { kind: 'log' };
  if (text.length > MAX_REPORT_LINE) return { kind: 'invalid', reason: `a report line longer than ${MAX_REPORT_LINE} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid', reason: 'not a JSON object' };
  const { metric, value: reported, step } = value as Record<string, unknown>;
  if (typeof metric !== 'string' || !METRIC_NAME_PATTERN.test(metric)) {
    return {
      kind: 'invalid',
      reason: `"metric" must be a metric name (lowercase letters, digits and _, starting with a letter), got ${JSON.stringify(metric)?.slice(0, 40)}`,
    };
  }
  if (reported !== null && (typeof reported !== 'number' || !Number.isFinite(reported))) {
    return { kind: 'invalid', reason: `"value" of ${metric} must be a finite number or null` };
  }
  if (step !== undefined && (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0)) {
    return { kind: 'invalid', reason: `"step" of ${metric} must be a whole number ≥ 0` };
  }
  return { kind: 'report', report: { metric, value: reported, step } };
}
