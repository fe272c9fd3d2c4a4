/** The table's columns: field keys of the query language, how they read and how they sort. */
import type { FieldsAnswer, TrialRecord } from '../api.js';
import { formatDuration, formatNumber, formatParam } from '../format.js';
import { rungLabel, rungTag } from '../rung-label.js';

export const ATTRIBUTE_COLUMNS = ['attributes.index', 'attributes.name', 'attributes.status', 'attributes.model', 'attributes.duration'] as const;

export function defaultColumns(fields: FieldsAnswer): string[] {
  const metrics = fields.metrics.map((m) => m.name);
  // The objective first, then the other test metrics; fold summaries last.
  metrics.sort((a, b) => (a === fields.objective.metric ? -1 : b === fields.objective.metric ? 1 : 0));
  return [
    'attributes.index',
    'attributes.name',
    'attributes.status',
    ...fields.params.map((p) => `params.${p.name}`),
    ...metrics.slice(0, 6).map((m) => `metrics.${m}`),
    'attributes.duration',
  ];
}

export function allColumns(fields: FieldsAnswer): string[] {
  return [...ATTRIBUTE_COLUMNS, ...fields.params.map((p) => `params.${p.name}`), ...fields.metrics.map((m) => `metrics.${m.name}`)];
}

export function columnLabel(key: string): string {
  const dot = key.indexOf('.');
  const name = key.slice(dot + 1);
  return key.startsWith('attributes.') ? name : name;
}

export function isNumericColumn(key: string): boolean {
  return key.startsWith('metrics.') || key === 'attributes.index' || key === 'attributes.duration';
}

export function cellText(trial: TrialRecord, key: string): string {
  const dot = key.indexOf('.');
  const kind = key.slice(0, dot);
  const name = key.slice(dot + 1);
  if (kind === 'params') return Object.hasOwn(trial.params, name) ? formatParam(trial.params[name]) : '';
  if (kind === 'metrics') {
    const value = formatNumber(trial.metrics?.[name] ?? null);
    // A pruned trial's CV scores are of the rung it stopped at: never read as a full trial's. The
    // mark goes first, so a narrow column clips the number's last digits rather than the mark.
    const rung = trial.metrics?.[name] === undefined ? undefined : rungTag(trial, name);
    return rung === undefined ? value : `${rung}: ${value}`;
  }
  switch (name) {
    case 'index':
      return String(trial.index);
    case 'name':
      return trial.name;
    case 'status':
      return trial.status;
    case 'model':
      return trial.model ?? '—'; // runs logged through MLflow have no model
    case 'duration':
      return formatDuration(trial.durationMs);
    default:
      return '';
  }
}

/** The first sort direction of a column: a metric's own goal, else ascending. */
export function firstDirection(key: string, fields: FieldsAnswer | null): 'ASC' | 'DESC' {
  if (!key.startsWith('metrics.')) return 'ASC';
  const goal = fields?.metrics.find((m) => m.name === key.slice('metrics.'.length))?.goal ?? 'maximize';
  return goal === 'maximize' ? 'DESC' : 'ASC';
}

/** The hover text of a cell holding a pruned trial's rung score; undefined for any other cell. */
export function rungCellTitle(trial: TrialRecord, key: string): string | undefined {
  if (!key.startsWith('metrics.') || trial.metrics?.[key.slice('metrics.'.length)] === undefined) return undefined;
  const label = rungLabel(trial, key.slice('metrics.'.length));
  return label === undefined ? undefined : `pruned: its CV score at ${label}, not a full trial's (not ranked)`;
}
