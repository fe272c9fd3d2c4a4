/**
 * Params of explicit trials and search spaces. Every model param, fixed, listed or drawn from a
 * distribution, is checked against MODEL_PARAM_SCHEMAS here, so a bad value is rejected before any
 * trial is created.
 */
import { z } from 'zod';
import { distributionAt, distributionBounds, type DistributionParam } from './distribution-range.js';
import { AnyModelNameSchema, MODEL_PARAM_SCHEMAS, modelParamSchemaFor, REGRESSOR_PARAM_SCHEMAS, type AnyModelName } from './model-params.schema.js';
import { describeValue, strict, sweepIssueMessage, unknownKeysMessage } from './spec-messages.js';
import { PRUNER_RESOURCES, PrunerSpecSchema, StopSpecSchema, TpeSpecSchema, WarmStartSpecSchema } from './search-strategy.schema.js';
import { ParamLiteralSchema, TrialNameSchema, SeedSchema, type ParamLiteral } from './spec-scalars.schema.js';
import type { TrialModelName } from './trial-model-name.schema.js';

/** Hard cap on trials of a sweep and on `search.max_trials` (the configured SWEEPQ_MAX_TRIALS applies too). */
export const MAX_TRIALS_HARD_LIMIT = 10_000_000;
/** Longest `values` list of one search param. */
export const MAX_VALUES_PER_PARAM = 10_000;
/** Most entries in `search.space`. */
export const MAX_SPACE_ENTRIES = 100;
/** Most explicit `trials`. */
export const MAX_EXPLICIT_TRIALS = 100_000;

/** Number of points of an entry's grid (a float product: exact up to 2^53, then approximate). */
export function gridPointCount(entry: SearchSpaceEntry): number {
  let count = 1;
  for (const key of Object.keys(entry.params)) {
    const spec = entry.params[key]!;
    if (typeof spec === 'object' && spec !== null && 'values' in spec) count *= spec.values.length;
  }
  return count;
}

export type { DistributionParam } from './distribution-range.js';

export const DISTRIBUTION_KINDS = ['uniform', 'log_uniform', 'int_uniform', 'q_uniform'] as const;

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
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `log_uniform needs min > 0, got ${d.min} (use a positive min, or uniform for ranges reaching 0)`,
      });
    }
    if (d.distribution === 'int_uniform' && (!Number.isSafeInteger(d.min) || !Number.isSafeInteger(d.max))) {
      ctx.addIssue({
        code: 'custom',
        path: [Number.isSafeInteger(d.min) ? 'max' : 'min'],
        message: 'int_uniform bounds must be whole numbers (write integers, or use uniform for real values)',
      });
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

/** The learning task, when known: it decides which estimator (and so which params) a model name means. */
export type SpecTask = 'classification' | 'regression' | undefined;

/**
 * The params schema of `model` for a known task; with the task not known yet (a trial or search entry
 * parsed on its own), the classifier's when it has every one of `keys`, else the regressor's — so a
 * regression-only param (gradient_boosting's `loss`) is accepted here and checked against the task's
 * estimator once the task is known (`checkModelsForTask`).
 */
function modelSchemaOf(model: AnyModelName, task: SpecTask, keys: readonly string[] = []): z.ZodObject | undefined {
  if (task !== undefined) return modelParamSchemaFor(task, model) as z.ZodObject | undefined;
  const classifier = (MODEL_PARAM_SCHEMAS as Record<string, z.ZodObject>)[model];
  const regressor = (REGRESSOR_PARAM_SCHEMAS as Record<string, z.ZodObject>)[model];
  if (classifier === undefined || regressor === undefined) return classifier ?? regressor;
  return keys.every((key) => Object.hasOwn(classifier.shape, key)) ? classifier : regressor;
}

/** The model's schema for one param (either task's when the task is unknown), or undefined for an unknown param name. */
function paramSchemaOf(model: AnyModelName, key: string, task: SpecTask): z.ZodType | undefined {
  const shape = (modelSchemaOf(model, task, [key])?.shape ?? {}) as Record<string, z.ZodType>;
  return Object.hasOwn(shape, key) ? shape[key] : undefined;
}

/** Param names of the model (of both tasks' estimators when the task is unknown). */
function knownParams(model: AnyModelName, task: SpecTask): string[] {
  if (task !== undefined) return Object.keys(modelSchemaOf(model, task)?.shape ?? {});
  const names = new Set<string>();
  for (const schemas of [MODEL_PARAM_SCHEMAS, REGRESSOR_PARAM_SCHEMAS] as Array<Record<string, z.ZodObject>>) {
    if (Object.hasOwn(schemas, model)) for (const name of Object.keys(schemas[model]!.shape)) names.add(name);
  }
  return [...names];
}

/** Checks one concrete value of `key` for `model`; returns the problem or undefined. */
function checkParamValue(model: AnyModelName, key: string, value: unknown, task: SpecTask): string | undefined {
  const schema = paramSchemaOf(model, key, task);
  if (schema === undefined) return unknownKeysMessage([key], knownParams(model, task), 'parameter', model);
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
export type IssueSink = (path: PropertyKey[], message: string, atKey?: boolean) => void;

/** Marker in a custom issue's params: locate the issue at its key (unknown names). */
export const AT_KEY = { at: 'key' } as const;

/** Validates `params` of an explicit trial against the model schema, one issue per bad param. */
export function checkExplicitParams(model: AnyModelName, params: Record<string, unknown>, report: IssueSink, task?: SpecTask): void {
  let ok = true;
  for (const key of Object.keys(params)) {
    if (key.startsWith(PIPELINE_PARAM_PREFIX)) continue;
    if (paramSchemaOf(model, key, task) === undefined) {
      ok = false;
      report([key], unknownKeysMessage([key], knownParams(model, task), 'parameter', model), true);
      continue;
    }
    const problem = checkParamValue(model, key, params[key], task);
    if (problem !== undefined) {
      ok = false;
      report([key], `${key} = ${describeValue(params[key])} is invalid for ${model}: ${problem}`);
    }
  }
  if (ok) {
    // Whole-object pass as well, for any rule spanning several params.
    const modelParams = splitTrialParams(params).model;
    const result = modelSchemaOf(model, task, Object.keys(modelParams))?.safeParse(modelParams, { reportInput: true, error: sweepIssueMessage });
    if (result !== undefined && !result.success) for (const issue of result.error.issues) report(issue.path, issue.message);
  }
}

/** Parses one search param spec for `model`, reporting problems; undefined when invalid. */
export function parseSearchParam(
  model: AnyModelName,
  key: string,
  raw: unknown,
  method: SearchMethod,
  report: IssueSink,
  task?: SpecTask,
): ParamSpec | undefined {
  if (paramSchemaOf(model, key, task) === undefined) {
    report([], unknownKeysMessage([key], knownParams(model, task), 'parameter', model), true);
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
      const problem = checkParamValue(model, key, value, task);
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
      report(
        [],
        `q_uniform ${dist.min}..${dist.max} with q ${dist.distribution === 'q_uniform' ? dist.q : ''} rounds to no value in range (widen the range or use a smaller q)`,
      );
      return undefined;
    }
    const probes =
      dist.distribution === 'q_uniform'
        ? [lo, hi, ...PROBE_QUANTILES.map((u) => distributionAt(dist, u))]
        : PROBE_QUANTILES.map((u) => distributionAt(dist, u));
    for (const value of probes) {
      const problem = checkParamValue(model, key, value, task);
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
    report(
      [],
      `a search param must be a fixed value, {values: [...]} or {distribution: ${DISTRIBUTION_KINDS.join('|')}, min, max} (got a mapping with keys ${Object.keys(raw).slice(0, 5).join(', ')})`,
    );
    return undefined;
  }
  const problem = checkParamValue(model, key, raw, task);
  if (problem !== undefined) {
    report([], `${key} = ${describeValue(raw)} is invalid for ${model}: ${problem}`);
    return undefined;
  }
  return raw as ParamLiteral;
}

/**
 * Prefix of the trial params that set the preprocessing pipeline (`pipeline.categorical.encoder.kind`):
 * a search entry's or explicit trial's `pipeline:` mapping becomes params under it, so samplers,
 * names, seeds and the read model treat pipeline settings like any other param.
 */
export const PIPELINE_PARAM_PREFIX = 'pipeline.';

/** A trial's params split into the model's own and its pipeline settings (`pipeline.<path>` keys kept). */
export function splitTrialParams(params: Readonly<Record<string, unknown>>): { model: Record<string, unknown>; pipeline: Record<string, unknown> } {
  const model: Record<string, unknown> = {};
  const pipeline: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key.startsWith(PIPELINE_PARAM_PREFIX)) pipeline[key] = value;
    else model[key] = value;
  }
  return { model, pipeline };
}

/** `pipeline:` of a trial or search entry: dotted pipeline paths → a value or `{values: [...]}`. */
const PipelineDimensionsSchema = z.record(z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/, 'a pipeline path looks like categorical.encoder.kind'), z.unknown());

export const TrialSpecSchema = strict({
  name: TrialNameSchema.optional(),
  model: AnyModelNameSchema,
  params: z.record(z.string(), z.unknown()).prefault({}),
  /** Pipeline settings of this trial (literal values), e.g. {"numeric.scaler": robust}. */
  pipeline: PipelineDimensionsSchema.optional(),
})
  .superRefine((trial, ctx) => {
    checkExplicitParams(trial.model, trial.params, (path, message, atKey) =>
      ctx.addIssue({ code: 'custom', path: ['params', ...path], message, ...(atKey === true ? { params: AT_KEY } : {}) }),
    );
  })
  .transform((trial) => {
    if (trial.pipeline === undefined) return { ...(trial.name === undefined ? {} : { name: trial.name }), model: trial.model, params: trial.params };
    const params: Record<string, unknown> = { ...trial.params };
    for (const [path, value] of Object.entries(trial.pipeline)) params[PIPELINE_PARAM_PREFIX + path] = value;
    return { ...(trial.name === undefined ? {} : { name: trial.name }), model: trial.model, params };
  });

const SearchSpaceEntryInputSchema = strict({
  model: AnyModelNameSchema,
  params: z.record(z.string(), z.unknown()).prefault({}),
  /** Searchable pipeline settings: {"categorical.encoder.kind": {values: [onehot, ordinal]}}. */
  pipeline: PipelineDimensionsSchema.optional(),
});

/** One model's part of a search space (pipeline settings are params under PIPELINE_PARAM_PREFIX). */
export interface SearchSpaceEntry {
  model: TrialModelName;
  params: Record<string, ParamSpec>;
}

/** How a search picks its trials: every grid point, uniform draws, or TPE learning from results. */
export const SEARCH_METHODS = ['grid', 'random', 'tpe'] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

export const SearchSpecSchema = strict({
  method: z.enum(SEARCH_METHODS),
  /** random, tpe: how many trials to draw (required); grid: an optional cap, error if the grid is larger. */
  max_trials: z.number().int().min(1).max(MAX_TRIALS_HARD_LIMIT).optional(),
  /** Seed of the random search; defaults to the sweep seed. */
  seed: SeedSchema.optional(),
  space: z.array(SearchSpaceEntryInputSchema).min(1).max(MAX_SPACE_ENTRIES),
  /** method tpe: sampler options (Optuna's defaults). */
  tpe: TpeSpecSchema.optional(),
  /** Early stopping of unpromising trials by a resource (n_estimators). */
  pruner: PrunerSpecSchema.optional(),
  /** Stop rules: a target objective value, or patience in trials without improvement. */
  stop: StopSpecSchema.optional(),
  /** method tpe: learn from the completed trials of earlier sweeps of an experiment on the same data. */
  warm_start: WarmStartSpecSchema.optional(),
}).transform((search, ctx) => {
  const space: SearchSpaceEntry[] = [];
  let ok = true;
  for (let i = 0; i < search.space.length; i++) {
    const entry = search.space[i]!;
    const params: Record<string, ParamSpec> = {};
    for (const key of Object.keys(entry.params)) {
      if (key.startsWith(PIPELINE_PARAM_PREFIX)) {
        // A parsed spec parsed again (the CLI resolves a file, the server re-validates it): its
        // pipeline dimensions already live among the params.
        const spec = parsePipelineDimension(entry.params[key], (message) =>
          ctx.addIssue({ code: 'custom', path: ['space', i, 'pipeline', key.slice(PIPELINE_PARAM_PREFIX.length)], message }),
        );
        if (spec === undefined) ok = false;
        else params[key] = spec;
        continue;
      }
      const spec = parseSearchParam(entry.model, key, entry.params[key], search.method, (path, message, atKey) => {
        ctx.addIssue({ code: 'custom', path: ['space', i, 'params', key, ...path], message, ...(atKey === true ? { params: AT_KEY } : {}) });
      });
      if (spec === undefined) ok = false;
      // Keys are validated model param names (never __proto__), so plain assignment is safe.
      else params[key] = spec;
    }
    for (const [path, raw] of Object.entries(entry.pipeline ?? {})) {
      // Checked against the sweep's pipeline by the sweep-level schema (it knows the pipeline).
      const spec = parsePipelineDimension(raw, (message) => ctx.addIssue({ code: 'custom', path: ['space', i, 'pipeline', path], message }));
      if (spec === undefined) ok = false;
      else params[PIPELINE_PARAM_PREFIX + path] = spec;
    }
    space.push({ model: entry.model, params });
  }
  if (search.method !== 'grid' && search.max_trials === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['max_trials'],
      message: `${search.method} search needs max_trials, the number of trials to draw (add max_trials: 20, for example)`,
    });
    ok = false;
  }
  if (search.warm_start !== undefined && search.method !== 'tpe') {
    ctx.addIssue({
      code: 'custom',
      path: ['warm_start'],
      message: `warm_start seeds TPE and is only used by method: tpe, this search is ${search.method} (remove warm_start:, or set method: tpe)`,
    });
    ok = false;
  }
  if (search.tpe !== undefined && search.method !== 'tpe') {
    ctx.addIssue({
      code: 'custom',
      path: ['tpe'],
      message: `tpe options are only used by method: tpe, this search is ${search.method} (remove tpe:, or set method: tpe)`,
    });
    ok = false;
  }
  if (search.pruner !== undefined) {
    const models: readonly string[] = PRUNER_RESOURCES[search.pruner.resource];
    for (let i = 0; i < space.length; i++) {
      if (!models.includes(space[i]!.model)) {
        ctx.addIssue({
          code: 'custom',
          path: ['space', i, 'model'],
          message: `${space[i]!.model} cannot be pruned by ${search.pruner.resource} (the pruner grows only ${models.join(', ')}; remove pruner:, or search this model in another sweep)`,
        });
        ok = false;
      }
    }
    const { min_resource, max_resource } = search.pruner;
    if (max_resource !== undefined && max_resource < min_resource) {
      ctx.addIssue({
        code: 'custom',
        path: ['pruner', 'max_resource'],
        message: `max_resource ${max_resource} is below min_resource ${min_resource} (raise max_resource or lower min_resource)`,
      });
      ok = false;
    }
  }
  if (ok && search.method === 'grid') ok = gridFitsMaxTrials(space, search.max_trials, ctx);
  if (!ok) return z.NEVER;
  return {
    method: search.method,
    ...(search.max_trials === undefined ? {} : { max_trials: search.max_trials }),
    ...(search.seed === undefined ? {} : { seed: search.seed }),
    space,
    ...(search.tpe === undefined ? {} : { tpe: search.tpe }),
    ...(search.pruner === undefined ? {} : { pruner: search.pruner }),
    ...(search.stop === undefined ? {} : { stop: search.stop }),
    ...(search.warm_start === undefined ? {} : { warm_start: search.warm_start }),
  };
});

/** A pipeline dimension: a literal or `{values: [...]}` (pipeline settings are discrete). */
function parsePipelineDimension(raw: unknown, report: (message: string) => void): ParamSpec | undefined {
  if (isPlainObject(raw) && Object.hasOwn(raw, 'values')) {
    const parsed = ValuesParamSchema.safeParse(raw, { reportInput: true, error: sweepIssueMessage });
    if (!parsed.success) {
      report(parsed.error.issues[0]?.message ?? 'invalid values');
      return undefined;
    }
    return parsed.data;
  }
  const literal = ParamLiteralSchema.safeParse(raw, { reportInput: true, error: sweepIssueMessage });
  if (!literal.success) {
    report('a pipeline setting is a value or {values: [...]} (distributions are not accepted)');
    return undefined;
  }
  return literal.data;
}

/** A grid search's points against its max_trials: false, with the issue reported, when they exceed it. */
export function gridFitsMaxTrials(space: readonly SearchSpaceEntry[], maxTrials: number | undefined, ctx: z.RefinementCtx): boolean {
  if (maxTrials === undefined) return true;
  let total = 0;
  for (const entry of space) total += gridPointCount(entry);
  if (total <= maxTrials) return true;
  ctx.addIssue({
    code: 'custom',
    path: ['max_trials'],
    message: `grid expands to ${formatCount(total)} trials, more than max_trials ${maxTrials} (raise max_trials, list fewer values, or use method: random)`,
  });
  return false;
}

/** Prints a count exactly when it is a safe integer, else in exponent form. */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : n.toExponential(2);
}
