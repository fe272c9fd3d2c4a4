/**
 * How sweep-file problems are worded. Every message reads `<what is wrong> (<how to fix>)`; no zod
 * wording reaches the user. Shared by every part of the sweep-file schema.
 */
import { z } from 'zod';

/** Default text of an unresolved union issue, recognised when flattening issues (see parse-sweep-file). */
export const UNION_DEFAULT_MESSAGE = 'does not match any accepted form (check the documented forms of this field)';

/** A short human rendering of an input value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const TYPE_HINTS: Record<string, string> = {
  number: 'write a finite number, e.g. 0.5, without quotes',
  int: 'write a whole number, e.g. 100',
  string: 'write text, quoted if it looks like a number',
  boolean: 'write true or false',
  object: 'write a mapping of key: value pairs',
  array: 'write a list, e.g. [a, b]',
  null: 'write null',
};

/**
 * Error map passed to every sweep-spec parse: turns zod's raw issues into `<what> (<fix>)` text.
 * Schema-level `error` options (used below where a field needs a specific hint) take precedence.
 */
export function sweepIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const raw = issue as unknown as Record<string, unknown>;
  const input = raw.input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = String(raw.expected);
      if (input === undefined) return `is required (add this key; ${TYPE_HINTS[expected] ?? `expected ${expected}`})`;
      if (typeof input === 'number' && !Number.isFinite(input)) {
        return `${describeValue(input)} is not a finite number (write a finite number; .nan, .inf and 1e999 are not accepted)`;
      }
      const what =
        expected === 'int'
          ? 'a whole number'
          : expected === 'object' || expected === 'record'
            ? 'a mapping'
            : expected === 'array' || expected === 'tuple'
              ? 'a list'
              : `a ${expected}`;
      const hint = TYPE_HINTS[expected === 'record' ? 'object' : expected === 'tuple' ? 'array' : expected];
      return `expected ${what}, got ${describeValue(input)} (${hint ?? `expected ${expected}`})`;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? raw.minimum : raw.maximum;
      const inclusive = raw.inclusive !== false;
      const origin = String(raw.origin);
      if (origin === 'array' || origin === 'set') {
        return `has ${Array.isArray(input) ? input.length : '?'} items, needs ${small ? 'at least' : 'at most'} ${String(bound)} (${small ? 'add items' : 'remove items'})`;
      }
      if (origin === 'string') {
        const length = typeof input === 'string' ? input.length : 0;
        if (small && Number(bound) === 1) return 'must not be empty (write a value)';
        return `is ${length} characters long, ${small ? 'at least' : 'at most'} ${String(bound)} allowed (${small ? 'lengthen' : 'shorten'} it)`;
      }
      const op = small ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
      return `must be ${op} ${String(bound)}, got ${describeValue(input)} (use a value ${op} ${String(bound)})`;
    }
    case 'invalid_value': {
      const values = (raw.values as unknown[] | undefined) ?? [];
      const names = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      if (input === undefined) return `is required (add this key; use one of: ${names.join(', ')})`;
      const suggestion = typeof input === 'string' ? closestMatch(input, names) : undefined;
      return `${describeValue(input)} is not accepted (${suggestion === undefined ? '' : `did you mean "${suggestion}"? `}use one of: ${names.join(', ')})`;
    }
    case 'unrecognized_keys': {
      const keys = (raw.keys as string[] | undefined) ?? [];
      return `unknown key${keys.length === 1 ? '' : 's'} ${keys.map((k) => JSON.stringify(k)).join(', ')} (remove ${keys.length === 1 ? 'it' : 'them'} or check the spelling)`;
    }
    case 'invalid_union': {
      const inst = raw.inst as { description?: string } | undefined;
      if (inst?.description) return `${describeValue(input)} is not accepted (must be ${inst.description})`;
      return UNION_DEFAULT_MESSAGE;
    }
    case 'invalid_format':
      return `${describeValue(input)} has the wrong format (check the documented format of this field)`;
    case 'not_multiple_of':
      return `${describeValue(input)} must be a multiple of ${String(raw.divisor)} (round it)`;
    case 'invalid_key':
      return 'has an invalid key (keys must be text)';
    case 'invalid_element':
      return 'has an invalid element';
    case 'custom':
      return typeof raw.message === 'string' ? raw.message : 'is invalid (check the documentation of this field)';
  }
  return undefined;
}

/**
 * The candidate closest to `word`, if it is plausibly a typo of it: by edit distance (a swap of two
 * neighbouring letters counts as one edit, so "medain" is "median", not "mean"), else the one
 * candidate that `word` begins (a short form: "auc" → "auc_roc", "f1" → "f1_score").
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best !== undefined || lower.length < 2) return best;
  let prefixed: string | undefined;
  for (const candidate of candidates) {
    if (!candidate.toLowerCase().startsWith(lower)) continue;
    if (prefixed !== undefined) return undefined; // "cv" begins cv_mean and cv_std: no guess
    prefixed = candidate;
  }
  return prefixed;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  let beforePrevious = new Int32Array(b.length + 1);
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, beforePrevious[j - 2]! + 1);
      }
      current[j] = d;
    }
    const recycled = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = recycled;
  }
  return previous[b.length]!;
}

export function unknownKeysMessage(keys: readonly string[], allowed: readonly string[], what = 'key', owner = ''): string {
  const quoted = keys.map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)).join(', ');
  const suggestion = keys.length === 1 ? closestMatch(keys[0]!, allowed) : undefined;
  return `unknown ${what}${keys.length === 1 ? '' : 's'} ${quoted}${owner === '' ? '' : ` for ${owner}`} (${suggestion === undefined ? '' : `did you mean "${suggestion}"? `}allowed: ${allowed.join(', ')})`;
}

/** z.strictObject whose unknown-key errors list the allowed keys (and the likely intended one). */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, allowed) : undefined),
  });
}
