/**
 * The sweep file: what to train (explicit trials and/or a search space), on which data, scored how.
 * Single source of truth for the CLI (local files, {@link SweepSpecSchema}) and the API (uploaded
 * datasets only, {@link ResolvedSweepSpecSchema}). Every model param, fixed, listed or drawn from a
 * distribution, is checked against MODEL_PARAM_SCHEMAS here, so a bad value is rejected before any
 * trial is enqueued.
 *
 * Output = input shape with defaults filled in, so a parsed spec serialised to JSON parses again to
 * the same value (it is stored with the sweep and re-validated at every trust boundary).
 */
import { z } from 'zod';
import { MakeClassificationOptionsSchema } from '../ml/dataset/make-classification.js';
import { distributionAt, distributionBounds } from '../search/distributions.js';
import { gridPointCount } from '../search/grid.js';
import { MODEL_PARAM_SCHEMAS, MODEL_NAMES, ModelNameSchema, type ModelName } from './model-params.schema.js';
import { PipelineSpecSchema } from './pipeline-spec.schema.js';

/** Hard cap on `search.max_trials` (the configured SWEEPQ_MAX_TRIALS is applied at expansion). */
export const MAX_TRIALS_HARD_LIMIT = 1_000_000;
/** Longest `values` list of one search param. */
export const MAX_VALUES_PER_PARAM = 10_000;
/** Most entries in `search.space`. */
export const MAX_SPACE_ENTRIES = 100;
/** Most explicit `trials`. */
export const MAX_EXPLICIT_TRIALS = 100_000;

// ---------------------------------------------------------------------------------------------
// Messages. Every message reads `<what is wrong> (<how to fix>)`; no zod wording reaches the user.

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
      const what = expected === 'int' ? 'a whole number' : expected === 'object' || expected === 'record' ? 'a mapping' : expected === 'array' || expected === 'tuple' ? 'a list' : `a ${expected}`;
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

/** The candidate closest to `word` by edit distance, if it is plausibly a typo of it. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const previous = new Int32Array(b.length + 1);
  const current = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous.set(current);
  }
  return previous[b.length]!;
}

function unknownKeysMessage(keys: readonly string[], allowed: readonly string[], what = 'key', owner = ''): string {
  const quoted = keys.map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)).join(', ');
  const suggestion = keys.length === 1 ? closestMatch(keys[0]!, allowed) : undefined;
  return `unknown ${what}${keys.length === 1 ? '' : 's'} ${quoted}${owner === '' ? '' : ` for ${owner}`} (${suggestion === undefined ? '' : `did you mean "${suggestion}"? `}allowed: ${allowed.join(', ')})`;
}

/** z.strictObject whose unknown-key errors list the allowed keys (and the likely intended one). */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, allowed) : undefined),
  });
}

// ---------------------------------------------------------------------------------------------
// Scalars.

/** Control, format (bidi overrides), line/paragraph separators and lone surrogates. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** A 32-bit unsigned seed. */
export const SeedSchema = z.number().int().min(0).max(0xffffffff);

/** Experiment name: used in Redis keys and file names, hence the narrow alphabet. */
export const ExperimentNameSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, {
  error: (issue) =>
    `${describeValue(issue.input)} is not a valid experiment name (use 1–100 letters, digits, _ . - starting with a letter, digit or _; no slashes or spaces)`,
});

/** Explicit trial name: free text for humans, but printable and bounded. */
export const TrialNameSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !UNPRINTABLE.test(name) && name.trim().length > 0, {
    error: 'contains control or invisible characters, or is blank (use printable text, at most 200 characters)',
  });

/** A literal param value: what the model param schemas accept. */
export const ParamLiteralSchema = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()], {
  error: (issue) => (issue.code === 'invalid_union' ? `expected a number, text, true/false or null, got ${describeValue(issue.input)} (write a single value)` : undefined),
});
export type ParamLiteral = z.infer<typeof ParamLiteralSchema>;

// ---------------------------------------------------------------------------------------------
// Dataset references.

/** SHA-256 of a dataset's bytes, as the store addresses it. */
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, {
  error: (issue) => `${describeValue(issue.input)} is not a SHA-256 (write the 64 lowercase hex characters returned by the upload)`,
});

/** An uploaded dataset: `{ sha256 }`. */
export const DatasetObjectRefSchema = strict({ sha256: Sha256Schema });

/** A local file path as written in a sweep file (relative to the sweep file, or absolute). */
export const LocalPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !UNPRINTABLE.test(p), { error: 'file path contains control characters (write a plain file path)' });

/**
 * In a sweep file: a path (read by the CLI, which the user is entitled to point anywhere, so absolute
 * paths and `..` are allowed) or an uploaded `{ sha256 }`.
 */
export const LocalFileRefSchema = z.union([LocalPathSchema, DatasetObjectRefSchema], {
  error: (issue) => {
    const input = issue.input;
    if (issue.code === 'invalid_union' && typeof input !== 'string' && (typeof input !== 'object' || input === null || Array.isArray(input))) {
      return `expected a file path or {sha256: <64 hex>}, got ${describeValue(input)} (write the CSV's path relative to the sweep file)`;
    }
    return undefined;
  },
});

/** In a submitted (resolved) spec: only uploaded datasets; the server never reads client paths. */
export const ResolvedFileRefSchema = z.strictObject(
  { sha256: Sha256Schema },
  {
    error: (issue) => {
      if (issue.code === 'invalid_type' && typeof issue.input === 'string') {
        return 'a file path is not accepted in a submitted spec (upload the file first, via the CLI which does it for you or POST /datasets, and reference it as {sha256: <64 hex>})';
      }
      if (issue.code === 'unrecognized_keys') return unknownKeysMessage(issue.keys, ['sha256']);
      return undefined;
    },
  },
);

export type DatasetObjectRef = z.infer<typeof DatasetObjectRefSchema>;
export type LocalFileRef = z.infer<typeof LocalFileRefSchema>;

/** NaN-out rows [rows[0], rows[1]) of one column of generated data (the seed experiment does this). */
export const MissingBlockSchema = strict({
  column: z.number().int().min(0).max(1_000_000),
  rows: z.tuple([z.number().int().min(0), z.number().int().min(0)], {
    error: (issue) => (issue.code === 'invalid_type' || issue.code === 'too_big' || issue.code === 'too_small' ? 'must be [start, end) row indices, e.g. [50, 70] (write two whole numbers)' : undefined),
  }),
});

function buildDatasetSchema<R extends z.ZodType>(fileRef: R) {
  return strict({
    csv: fileRef.optional(),
    train: fileRef.optional(),
    test: fileRef.optional(),
    make_classification: MakeClassificationOptionsSchema.optional(),
    missing: z.array(MissingBlockSchema).min(1).max(1000).optional(),
    target: z
      .string()
      .min(1)
      .max(1000)
      .refine((t) => !UNPRINTABLE.test(t), { error: 'target contains control characters (write the header name of the label column)' })
      .default('target'),
  }).superRefine((d, ctx) => {
    const hasCsv = d.csv !== undefined;
    const hasPair = d.train !== undefined || d.test !== undefined;
    const hasGenerated = d.make_classification !== undefined;
    const sources = (hasCsv ? 1 : 0) + (hasPair ? 1 : 0) + (hasGenerated ? 1 : 0);
    if (sources === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'dataset has no source (add exactly one of csv: <file>, train: + test: <files>, make_classification: {...})' });
    } else if (sources > 1) {
      const present = [hasCsv ? 'csv' : '', hasPair ? 'train/test' : '', hasGenerated ? 'make_classification' : ''].filter((s) => s !== '');
      ctx.addIssue({ code: 'custom', path: [], message: `dataset has both ${present.join(' and ')} (keep exactly one of csv, train + test, make_classification)` });
    }
    if (d.train !== undefined && d.test === undefined) {
      ctx.addIssue({ code: 'custom', path: ['train'], message: 'train is given without test (add test: <file> with the held-out rows, or use csv: to split one file)' });
    }
    if (d.test !== undefined && d.train === undefined) {
      ctx.addIssue({ code: 'custom', path: ['test'], message: 'test is given without train (add train: <file>, or use csv: to split one file)' });
    }
    const generated = d.make_classification;
    if (d.missing !== undefined && generated === undefined) {
      ctx.addIssue({ code: 'custom', path: ['missing'], message: 'missing is only used with make_classification (in a CSV, leave cells empty to mark them missing)' });
    }
    if (generated !== undefined) {
      if (generated.n_classes < 2) {
        ctx.addIssue({ code: 'custom', path: ['make_classification', 'n_classes'], message: `n_classes is ${generated.n_classes}, classification needs at least 2 (set n_classes: 2 or more)` });
      }
      const blocks = d.missing ?? [];
      for (let i = 0; i < blocks.length; i++) {
        const block = blocks[i]!;
        if (block.column >= generated.n_features) {
          ctx.addIssue({ code: 'custom', path: ['missing', i, 'column'], message: `column ${block.column} does not exist, make_classification has n_features ${generated.n_features} (use a column index 0..${generated.n_features - 1})` });
        }
        const [start, end] = block.rows;
        if (start >= end) {
          ctx.addIssue({ code: 'custom', path: ['missing', i, 'rows'], message: `rows [${start}, ${end}] is empty or reversed (write [start, end) with start < end)` });
        } else if (end > generated.n_samples) {
          ctx.addIssue({ code: 'custom', path: ['missing', i, 'rows'], message: `rows [${start}, ${end}] goes past n_samples ${generated.n_samples} (keep end ≤ n_samples)` });
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Split, CV, objective.

export const SplitSpecSchema = strict({
  /** A fraction in (0, 1) or a row count ≥ 1 (one refine, not a union: zod would report only one branch). */
  test_size: z
    .number()
    .refine((v) => (v > 0 && v < 1) || (Number.isInteger(v) && v >= 1 && v <= 1_000_000_000), {
      error: (issue) => `${describeValue(issue.input)} is not a test size (write a fraction in (0, 1) such as 0.2, or a whole row count ≥ 1)`,
    })
    .default(0.2),
  random_state: SeedSchema.default(42),
  stratify: z.boolean().default(false),
});

/** Metrics computed on the test split. */
export const ScoringMetricSchema = z.enum(['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss']);
/** What a sweep can rank trials by: a test metric or the CV mean/std of `cv.scoring`. */
export const ObjectiveMetricSchema = z.enum(['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss', 'cv_mean', 'cv_std']);
export const GoalSchema = z.enum(['maximize', 'minimize']);

export const CvSpecSchema = strict({
  folds: z
    .number()
    .int()
    .min(0)
    .max(20)
    .refine((k) => k !== 1, { error: 'folds is 1, which is not cross-validation (use 0 for no CV or 2..20)' })
    .default(5),
  scoring: ScoringMetricSchema.default('accuracy'),
  shuffle: z.boolean().default(false),
});

/** Metrics where lower is better: their default goal is minimize. */
const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'cv_std']);

export const ObjectiveSpecSchema = strict({
  metric: ObjectiveMetricSchema,
  goal: GoalSchema.optional(),
}).transform((o) => ({ metric: o.metric, goal: o.goal ?? (LOWER_IS_BETTER.has(o.metric) ? ('minimize' as const) : ('maximize' as const)) }));

// ---------------------------------------------------------------------------------------------
// Params: explicit trials and search spaces.

export const DISTRIBUTION_KINDS = ['uniform', 'log_uniform', 'int_uniform', 'q_uniform'] as const;
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

/** A continuous or integer distribution to sample a param from (random search only). */
export type DistributionParam =
  | { distribution: 'uniform' | 'log_uniform' | 'int_uniform'; min: number; max: number }
  | { distribution: 'q_uniform'; min: number; max: number; q: number };
/** A list of values: every one in a grid, one at random in a random search. */
export interface ValuesParam {
  values: ParamLiteral[];
}
/** One search param: a fixed literal, a list of values, or a distribution. */
export type ParamSpec = ParamLiteral | ValuesParam | DistributionParam;

export const ValuesParamSchema = strict({ values: z.array(ParamLiteralSchema).min(1).max(MAX_VALUES_PER_PARAM) });

export const DistributionParamSchema = strict({
  distribution: z.enum(DISTRIBUTION_KINDS),
  min: z.number(),
  max: z.number(),
  q: z.number().gt(0).optional(),
})
  .superRefine((d, ctx) => {
    if (d.min > d.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${d.min} is greater than max ${d.max} (swap them)` });
    if (d.distribution === 'log_uniform' && d.min <= 0) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `log_uniform needs min > 0, got ${d.min} (use a positive min, or uniform for ranges reaching 0)` });
    }
    if (d.distribution === 'int_uniform' && (!Number.isSafeInteger(d.min) || !Number.isSafeInteger(d.max))) {
      ctx.addIssue({ code: 'custom', path: [Number.isSafeInteger(d.min) ? 'max' : 'min'], message: 'int_uniform bounds must be whole numbers (write integers, or use uniform for real values)' });
    }
    if (d.distribution === 'q_uniform' && d.q === undefined) {
      ctx.addIssue({ code: 'custom', path: ['q'], message: 'q_uniform needs q, the step values are rounded to (add q: 0.1, for example)' });
    }
    if (d.distribution !== 'q_uniform' && d.q !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['q'], message: `q is only used by q_uniform (remove q, or set distribution: q_uniform)` });
    }
  })
  .transform((d) => d as DistributionParam);

/** Quantiles at which a distribution is probed: the ends plus irregular interior points, which
 * catch ranges that cross a gap of a union schema (e.g. max_features floats above 1). */
const PROBE_QUANTILES = [0, 1, 0.5, 0.0123, 0.1234567, 1 / 3, 0.7071, 0.8765432, 0.9876, 0.999999];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The model's schema for one param, or undefined for an unknown param name. */
function paramSchemaOf(model: ModelName, key: string): z.ZodType | undefined {
  const shape = MODEL_PARAM_SCHEMAS[model].shape as Record<string, z.ZodType>;
  return Object.hasOwn(shape, key) ? shape[key] : undefined;
}

function knownParams(model: ModelName): string[] {
  return Object.keys(MODEL_PARAM_SCHEMAS[model].shape);
}

/** Checks one concrete value of `key` for `model`; returns the problem or undefined. */
function checkParamValue(model: ModelName, key: string, value: unknown): string | undefined {
  const schema = paramSchemaOf(model, key);
  if (schema === undefined) return unknownKeysMessage([key], knownParams(model), 'parameter', model);
  // undefined would pick the param's default: never a value a user wrote.
  if (value === undefined) return `has no value (write a value for ${key})`;
  const result = schema.safeParse(value, { reportInput: true, error: sweepIssueMessage });
  if (result.success) return undefined;
  // A union param (max_features: 'sqrt' | int | fraction) reports only its closest branch ("must
  // be ≤ 1"), which misleads; its description lists every accepted form.
  const description = schemaDescription(schema);
  if (description !== undefined) return `${describeValue(value)} is not accepted (must be ${description})`;
  return result.error.issues[0]!.message;
}

/** The description of a schema or of the schema it wraps (`.default()` wraps a described union). */
function schemaDescription(schema: z.ZodType): string | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    if (current.description !== undefined) return current.description;
    current = (current.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

/** Reports a problem at a path; `atKey` points the location at the key rather than its value. */
type IssueSink = (path: PropertyKey[], message: string, atKey?: boolean) => void;

/** Marker in a custom issue's params: locate the issue at its key (unknown names). */
export const AT_KEY = { at: 'key' } as const;

/** Validates `params` of an explicit trial against the model schema, one issue per bad param. */
function checkExplicitParams(model: ModelName, params: Record<string, unknown>, report: IssueSink): void {
  let ok = true;
  for (const key of Object.keys(params)) {
    if (paramSchemaOf(model, key) === undefined) {
      ok = false;
      report([key], unknownKeysMessage([key], knownParams(model), 'parameter', model), true);
      continue;
    }
    const problem = checkParamValue(model, key, params[key]);
    if (problem !== undefined) {
      ok = false;
      report([key], `${key} = ${describeValue(params[key])} is invalid for ${model}: ${problem}`);
    }
  }
  if (ok) {
    // Whole-object pass as well, for any rule spanning several params.
    const result = MODEL_PARAM_SCHEMAS[model].safeParse(params, { reportInput: true, error: sweepIssueMessage });
    if (!result.success) for (const issue of result.error.issues) report(issue.path, issue.message);
  }
}

/** Parses one search param spec for `model`, reporting problems; undefined when invalid. */
function parseSearchParam(model: ModelName, key: string, raw: unknown, method: 'grid' | 'random', report: IssueSink): ParamSpec | undefined {
  if (paramSchemaOf(model, key) === undefined) {
    report([], unknownKeysMessage([key], knownParams(model), 'parameter', model), true);
    return undefined;
  }
  if (Array.isArray(raw)) {
    report([], `a bare list is not a search dimension (write {values: [...]} to search over these values)`);
    return undefined;
  }
  if (isPlainObject(raw) && Object.hasOwn(raw, 'values')) {
    const parsed = ValuesParamSchema.safeParse(raw, { reportInput: true, error: sweepIssueMessage });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(issue.path, issue.message);
      return undefined;
    }
    const values = parsed.data.values;
    const seen = new Set<string>();
    let ok = true;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const id = typeof value + ':' + String(value);
      if (seen.has(id)) {
        report(['values', i], `${describeValue(value)} is listed twice (remove the duplicate)`);
        ok = false;
        continue;
      }
      seen.add(id);
      const problem = checkParamValue(model, key, value);
      if (problem !== undefined) {
        report(['values', i], `${key} = ${describeValue(value)} is invalid for ${model}: ${problem}`);
        ok = false;
      }
    }
    return ok ? { values } : undefined;
  }
  if (isPlainObject(raw) && Object.hasOwn(raw, 'distribution')) {
    if (method === 'grid') {
      report([], `a grid search cannot enumerate a distribution (use method: random with max_trials, or list the values to try as {values: [...]})`);
      return undefined;
    }
    const parsed = DistributionParamSchema.safeParse(raw, { reportInput: true, error: sweepIssueMessage });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(issue.path, issue.message);
      return undefined;
    }
    const dist = parsed.data;
    const { lo, hi } = distributionBounds(dist);
    if (lo > hi) {
      report([], `q_uniform ${dist.min}..${dist.max} with q ${dist.distribution === 'q_uniform' ? dist.q : ''} rounds to no value in range (widen the range or use a smaller q)`);
      return undefined;
    }
    const probes = dist.distribution === 'q_uniform' ? [lo, hi, ...PROBE_QUANTILES.map((u) => distributionAt(dist, u))] : PROBE_QUANTILES.map((u) => distributionAt(dist, u));
    for (const value of probes) {
      const problem = checkParamValue(model, key, value);
      if (problem !== undefined) {
        const hint =
          dist.distribution === 'uniform' || dist.distribution === 'log_uniform'
            ? 'use int_uniform for whole-number params, or narrow the range'
            : 'narrow the range to valid values';
        report([], `${dist.distribution} ${dist.min}..${dist.max} can draw ${key} = ${value}, which is invalid for ${model}: ${problem} (${hint})`);
        return undefined;
      }
    }
    return dist;
  }
  if (isPlainObject(raw)) {
    report([], `a search param must be a fixed value, {values: [...]} or {distribution: ${DISTRIBUTION_KINDS.join('|')}, min, max} (got a mapping with keys ${Object.keys(raw).slice(0, 5).join(', ')})`);
    return undefined;
  }
  const problem = checkParamValue(model, key, raw);
  if (problem !== undefined) {
    report([], `${key} = ${describeValue(raw)} is invalid for ${model}: ${problem}`);
    return undefined;
  }
  return raw as ParamLiteral;
}

export const TrialSpecSchema = strict({
  name: TrialNameSchema.optional(),
  model: ModelNameSchema,
  params: z.record(z.string(), z.unknown()).prefault({}),
}).superRefine((trial, ctx) => {
  checkExplicitParams(trial.model, trial.params, (path, message, atKey) =>
    ctx.addIssue({ code: 'custom', path: ['params', ...path], message, ...(atKey === true ? { params: AT_KEY } : {}) }),
  );
});

const SearchSpaceEntryInputSchema = strict({
  model: ModelNameSchema,
  params: z.record(z.string(), z.unknown()).prefault({}),
});

/** One model's part of a search space. */
export interface SearchSpaceEntry {
  model: ModelName;
  params: Record<string, ParamSpec>;
}

export const SearchSpecSchema = strict({
  method: z.enum(['grid', 'random']),
  /** random: how many trials to draw (required); grid: an optional cap, error if the grid is larger. */
  max_trials: z.number().int().min(1).max(MAX_TRIALS_HARD_LIMIT).optional(),
  /** Seed of the random search; defaults to the sweep seed. */
  seed: SeedSchema.optional(),
  space: z.array(SearchSpaceEntryInputSchema).min(1).max(MAX_SPACE_ENTRIES),
}).transform((search, ctx) => {
  const space: SearchSpaceEntry[] = [];
  let ok = true;
  for (let i = 0; i < search.space.length; i++) {
    const entry = search.space[i]!;
    const params: Record<string, ParamSpec> = {};
    for (const key of Object.keys(entry.params)) {
      const spec = parseSearchParam(entry.model, key, entry.params[key], search.method, (path, message, atKey) => {
        ctx.addIssue({ code: 'custom', path: ['space', i, 'params', key, ...path], message, ...(atKey === true ? { params: AT_KEY } : {}) });
      });
      if (spec === undefined) ok = false;
      // Keys are validated model param names (never __proto__), so plain assignment is safe.
      else params[key] = spec;
    }
    space.push({ model: entry.model, params });
  }
  if (search.method === 'random' && search.max_trials === undefined) {
    ctx.addIssue({ code: 'custom', path: ['max_trials'], message: 'random search needs max_trials, the number of trials to draw (add max_trials: 20, for example)' });
    ok = false;
  }
  if (ok && search.method === 'grid' && search.max_trials !== undefined) {
    let total = 0;
    for (const entry of space) total += gridPointCount(entry);
    if (total > search.max_trials) {
      ctx.addIssue({ code: 'custom', path: ['max_trials'], message: `grid expands to ${formatCount(total)} trials, more than max_trials ${search.max_trials} (raise max_trials, list fewer values, or use method: random)` });
      ok = false;
    }
  }
  if (!ok) return z.NEVER;
  return {
    method: search.method,
    ...(search.max_trials === undefined ? {} : { max_trials: search.max_trials }),
    ...(search.seed === undefined ? {} : { seed: search.seed }),
    space,
  };
});

/** Prints a count exactly when it is a safe integer, else in exponent form. */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : n.toExponential(2);
}

// ---------------------------------------------------------------------------------------------
// The sweep.

const ModelNameList = MODEL_NAMES.join(', ');

function buildSweepSpecSchema<R extends z.ZodType>(fileRef: R) {
  return strict({
    name: ExperimentNameSchema,
    description: z.string().max(2000).optional(),
    seed: SeedSchema.default(0),
    dataset: buildDatasetSchema(fileRef),
    /** Absent with train + test; otherwise filled with the defaults. */
    split: SplitSpecSchema.optional(),
    pipeline: PipelineSpecSchema.prefault({}),
    cv: CvSpecSchema.prefault({}),
    objective: ObjectiveSpecSchema.prefault({ metric: 'accuracy' }),
    trials: z.array(TrialSpecSchema).max(MAX_EXPLICIT_TRIALS).optional(),
    search: SearchSpecSchema.optional(),
  })
    .superRefine((spec, ctx) => {
      if ((spec.trials === undefined || spec.trials.length === 0) && spec.search === undefined) {
        ctx.addIssue({ code: 'custom', path: spec.trials === undefined ? [] : ['trials'], message: `the sweep has no trials (add trials: [{model: ..., params: {...}}] or search: {method: grid, space: [...]}; models: ${ModelNameList})` });
      }
      const pair = spec.dataset.train !== undefined || spec.dataset.test !== undefined;
      if (pair && spec.split !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['split'], message: 'split is not used with train + test files, which are already split (remove split, or use csv: with one file)' });
      }
      if ((spec.objective.metric === 'cv_mean' || spec.objective.metric === 'cv_std') && spec.cv.folds === 0) {
        ctx.addIssue({ code: 'custom', path: ['objective', 'metric'], message: `objective ${spec.objective.metric} needs cross-validation, but cv.folds is 0 (set cv.folds to 2..20 or rank by a test metric)` });
      }
      const generated = spec.dataset.make_classification;
      const testSize = spec.split?.test_size;
      if (generated !== undefined && testSize !== undefined && testSize >= 1 && testSize >= generated.n_samples) {
        ctx.addIssue({ code: 'custom', path: ['split', 'test_size'], message: `test_size ${testSize} rows leaves no training rows out of n_samples ${generated.n_samples} (use a smaller count or a fraction such as 0.2)` });
      }
    })
    .transform((spec) => {
      const pair = spec.dataset.train !== undefined || spec.dataset.test !== undefined;
      if (pair || spec.split !== undefined) return spec;
      return { ...spec, split: SplitSpecSchema.parse({}) };
    });
}

/** A sweep file as written (dataset files may be local paths). */
export const SweepSpecSchema = buildSweepSpecSchema(LocalFileRefSchema);
/** A sweep as submitted to the API: dataset files are uploaded `{ sha256 }` objects only. */
export const ResolvedSweepSpecSchema = buildSweepSpecSchema(ResolvedFileRefSchema);

export type SweepSpecInput = z.input<typeof SweepSpecSchema>;
export type SweepSpec = z.output<typeof SweepSpecSchema>;
export type ResolvedSweepSpec = z.output<typeof ResolvedSweepSpecSchema>;
export type DatasetSpec = SweepSpec['dataset'];
export type ResolvedDatasetSpec = ResolvedSweepSpec['dataset'];
export type SplitSpec = z.output<typeof SplitSpecSchema>;
export type CvSpec = z.output<typeof CvSpecSchema>;
export type ObjectiveSpec = z.output<typeof ObjectiveSpecSchema>;
export type ScoringMetric = z.output<typeof ScoringMetricSchema>;
export type ObjectiveMetric = z.output<typeof ObjectiveMetricSchema>;
export type TrialSpec = z.output<typeof TrialSpecSchema>;
export type SearchSpec = z.output<typeof SearchSpecSchema>;
export type MissingBlock = z.output<typeof MissingBlockSchema>;
