/**
 * What a filter, an order_by key or a column accessor points at: a metric, a param, a tag or one of a
 * fixed set of trial attributes. Parsed once from text such as `metrics.auc_roc` (see parse-field.ts).
 */

/** The trial attributes a filter can name (after aliases are resolved). */
export const ATTRIBUTE_KEYS = ['status', 'name', 'model', 'duration', 'start_time', 'end_time', 'index', 'run_id'] as const;

export type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

/**
 * Other spellings accepted for attributes: MLflow's `run_name` and `created` (= start time), and the
 * record field names `startedAt` / `finishedAt` / `durationMs` a sweepq user sees in `--json` output.
 */
export const ATTRIBUTE_ALIASES: Readonly<Record<string, AttributeKey>> = {
  run_name: 'name',
  created: 'start_time',
  startedAt: 'start_time',
  finishedAt: 'end_time',
  durationMs: 'duration',
  duration_ms: 'duration',
};

export type FieldRef = { readonly kind: 'metric' | 'param' | 'tag'; readonly key: string } | { readonly kind: 'attribute'; readonly key: AttributeKey };

export type FieldKind = FieldRef['kind'];

const NUMERIC_ATTRIBUTES: ReadonlySet<AttributeKey> = new Set(['duration', 'start_time', 'end_time', 'index']);

/** True when the field holds only numbers (metrics, duration, times, index): text operators do not apply. */
export function isNumericField(field: FieldRef): boolean {
  return field.kind === 'metric' || (field.kind === 'attribute' && NUMERIC_ATTRIBUTES.has(field.key));
}

const PREFIX: Readonly<Record<FieldKind, string>> = { metric: 'metrics', param: 'params', tag: 'tags', attribute: 'attributes' };
const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;

/** The canonical spelling of a field, e.g. `metrics.auc_roc` or ``params.`a b` `` (used in messages and by callers). */
export function formatField(field: FieldRef): string {
  const key = BARE_KEY.test(field.key) ? field.key : `\`${field.key.replaceAll('`', '``')}\``;
  return `${PREFIX[field.kind]}.${key}`;
}

/** True when both refer to the same column. */
export function sameField(a: FieldRef, b: FieldRef): boolean {
  return a.kind === b.kind && a.key === b.key;
}
