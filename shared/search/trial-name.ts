/**
 * Default trial names and the canonical form of a parameter set. A name is for humans (leaderboards,
 * CLI tables); the canonical JSON is for machines (the trial seed), so only the name rounds floats.
 */

/** Significant digits kept for non-integer numbers in a default trial name. */
export const NAME_SIGNIFICANT_DIGITS = 4;

/**
 * Default name of a trial: the model and its params with keys sorted, e.g.
 * `random_forest(max_depth=5,n_estimators=100)`; a trial without params is just the model name.
 * Non-integer numbers are rounded to {@link NAME_SIGNIFICANT_DIGITS} significant digits (name only).
 */
export function defaultTrialName(model: string, params: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return model;
  let name = model + '(';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) name += ',';
    name += key + '=' + formatNameValue(params[key]);
  }
  return name + ')';
}

/**
 * Default name and canonical JSON of a param set whose keys the caller already holds sorted (a search entry's params
 * always have the same keys), with literal fast paths: this runs once per trial.
 */
export function describeSortedParams(
  model: string,
  sortedKeys: readonly string[],
  params: Readonly<Record<string, unknown>>,
): { name: string; canonical: string } {
  if (sortedKeys.length === 0) return { name: model, canonical: '{}' };
  let name = model + '(';
  let canonical = '{';
  for (let i = 0; i < sortedKeys.length; i++) {
    const key = sortedKeys[i]!;
    const value = params[key];
    if (i > 0) {
      name += ',';
      canonical += ',';
    }
    name += key + '=' + formatNameValue(value);
    canonical += JSON.stringify(key) + ':' + (typeof value === 'number' ? String(value) : canonicalJson(value));
  }
  return { name: name + ')', canonical: canonical + '}' };
}

/** One param value as it appears in a trial name. */
export function formatNameValue(value: unknown): string {
  if (typeof value === 'number') {
    // String(x) is JSON.stringify(x) for finite numbers, and cheaper.
    if (Number.isInteger(value)) return String(value);
    return String(Number(value.toPrecision(NAME_SIGNIFICANT_DIGITS)));
  }
  if (typeof value === 'string') return value;
  if (value === null || typeof value === 'boolean') return String(value);
  // Params are JSON scalars; anything else is shown as JSON (undefined as the word).
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * JSON with object keys sorted at every level: equal param sets give equal strings whatever order the
 * sweep file wrote them in (the input of the trial seed).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += (i > 0 ? ',' : '') + JSON.stringify(key) + ':' + canonicalJson(record[key]);
  }
  return out + '}';
}

/**
 * Makes names unique in place of first use: the first `foo` stays `foo`, later ones become `foo#2`,
 * `foo#3`, … (skipping any suffix already taken by an explicit name).
 */
export class TrialNameDeduplicator {
  private readonly used = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();

  /** Returns `name`, or `name#k` with the smallest free k ≥ 2 when `name` was already used. */
  claim(name: string): string {
    if (!this.used.has(name)) {
      this.used.add(name);
      return name;
    }
    let k = this.nextSuffix.get(name) ?? 2;
    let candidate = `${name}#${k}`;
    while (this.used.has(candidate)) {
      k++;
      candidate = `${name}#${k}`;
    }
    this.nextSuffix.set(name, k + 1);
    this.used.add(candidate);
    return candidate;
  }
}
