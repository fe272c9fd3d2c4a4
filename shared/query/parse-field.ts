/**
 * Turns a dotted word (`metrics.auc_roc`, `params."a b"`, `tags.mlflow.runName`, `status`) into a
 * FieldRef. Shared by filters, order_by and the table's column accessor so every place accepts the
 * same spellings: MLflow's entity prefixes and their aliases, case-insensitively.
 */
import { ATTRIBUTE_ALIASES, ATTRIBUTE_KEYS, type AttributeKey, type FieldKind, type FieldRef } from './field-ref.js';
import { filterError, quoteForMessage } from './filter-error.js';
import { tokenize, type Token } from './filter-lexer.js';

const ENTITY_PREFIXES: ReadonlyMap<string, FieldKind> = new Map([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
]);

/** Longest metric/param/tag key accepted (the names sweepq writes are ≤ 64). */
export const MAX_KEY_LENGTH = 256;

const ATTRIBUTE_LIST = 'status, name (run_name), model, duration, start_time, end_time, index, run_id';

const ATTRIBUTES_BY_SPELLING: ReadonlyMap<string, AttributeKey> = new Map<string, AttributeKey>([
  ...ATTRIBUTE_KEYS.map((key) => [key, key] as const),
  ...Object.entries(ATTRIBUTE_ALIASES),
]);

function attributeKey(key: string): AttributeKey | undefined {
  return ATTRIBUTES_BY_SPELLING.get(key);
}

/**
 * The field a word token names.
 * @throws InvalidInputError INVALID_FILTER for an unknown prefix or attribute, pointing at it.
 */
export function resolveField(token: Extract<Token, { type: 'word' }>, path = 'filter'): FieldRef {
  const segments = token.segments;
  const first = segments[0]!;
  if (segments.length === 1) {
    // MLflow reads a bare identifier as an attribute (`status = 'failed'`).
    const attribute = attributeKey(first.text);
    if (attribute !== undefined) return { kind: 'attribute', key: attribute };
    throw filterError(
      first.column,
      `unknown field ${quoteForMessage(first.text)}; name a column as metrics.${first.text}, params.${first.text}, tags.${first.text} or attributes.<${ATTRIBUTE_LIST}>`,
      path,
    );
  }
  const kind = ENTITY_PREFIXES.get(first.text.toLowerCase());
  if (kind === undefined) {
    throw filterError(first.column, `unknown field type ${quoteForMessage(first.text)}; fields start with metrics., params., tags. or attributes.`, path);
  }
  const keySegments = segments.slice(1);
  const key = keySegments.map((s) => s.text).join('.');
  const keyColumn = keySegments[0]!.column;
  if (key.length > MAX_KEY_LENGTH) throw filterError(keyColumn, `the key is ${key.length} characters long; keys have at most ${MAX_KEY_LENGTH}`, path);
  if (kind === 'attribute') {
    const attribute = attributeKey(key);
    if (attribute === undefined) throw filterError(keyColumn, `unknown attribute ${quoteForMessage(key)}; attributes are ${ATTRIBUTE_LIST}`, path);
    return { kind, key: attribute };
  }
  // MLflow keeps the run name in this tag; sweepq keeps it in the name column.
  if (kind === 'tag' && key === 'mlflow.runName') return { kind: 'attribute', key: 'name' };
  return { kind, key };
}

/**
 * Parses one column key such as `metrics.auc_roc`, `params.max_depth`, `attributes.duration`.
 * @throws InvalidInputError INVALID_FILTER when `text` is not exactly one field.
 */
export function parseFieldKey(text: string, path = 'field'): FieldRef {
  const tokens = tokenize(text, path);
  const first = tokens[0]!;
  if (first.type !== 'word')
    throw filterError(
      first.column,
      `expected a field such as metrics.auc_roc, found ${first.type === 'end' ? 'nothing' : quoteForMessage(first.source)}`,
      path,
    );
  const next = tokens[1]!;
  if (next.type !== 'end') throw filterError(next.column, `unexpected ${quoteForMessage(next.source)} after the field`, path);
  return resolveField(first, path);
}
