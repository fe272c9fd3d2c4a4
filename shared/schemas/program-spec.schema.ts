/**
 * Program sweeps (issue 14): the sweep file's `program:` block instead of a dataset and models. Each
 * trial runs the user's command with the sampled params (templated arguments and SWEEPQ_PARAMS) and the
 * program reports its metrics as JSON lines on stdout.
 *
 * Search-space entries and explicit trials have `params` and no `model`; params are free (any name,
 * any JSON scalar): the program, not sweepq, knows what they mean. Inside the queue a program trial is
 * a trial whose model is {@link PROGRAM_MODEL}, so segments, samplers, names and seeds work unchanged.
 */
import { z } from 'zod';
import { MAX_METRICS_PER_TRIAL, builtinMetric } from '../metrics/metric-registry.js';
import { distributionAt, distributionBounds } from './distribution-range.js';
import {
  DistributionParamSchema,
  MAX_EXPLICIT_TRIALS,
  MAX_SPACE_ENTRIES,
  MAX_TRIALS_HARD_LIMIT,
  ValuesParamSchema,
  gridFitsMaxTrials,
  type ParamSpec,
  type SearchSpaceEntry,
} from './search-space.schema.js';
import { describeValue, strict } from './spec-messages.js';
import { Sha256Schema } from './sweep-context.schema.js';
import { ExperimentNameSchema, ParamLiteralSchema, SeedSchema, TrialNameSchema, UNPRINTABLE } from './spec-scalars.schema.js';
import { PROGRAM_MODEL, type TrialModelName } from './trial-model-name.schema.js';
import { GoalSchema, LimitsSpecSchema, MetricDeclarationSchema, MetricNameSchema } from './sweep-spec.schema.js';
import { ProgramPrunerSchema } from './program-context.schema.js';

// Kept apart so that reading a stored program context does not build the whole spec (program-context.schema.ts).
export { ProgramContextSchema, type ProgramContext, type ProgramPrunerSpec } from './program-context.schema.js';

/** Most arguments of a command, and longest argument. */
const MAX_ARGUMENTS = 256;
const MAX_ARGUMENT_LENGTH = 4096;
/** Most variables of `program.env`, and longest value. */
const MAX_ENV_VARIABLES = 100;
const MAX_ENV_VALUE_LENGTH = 8192;
/** A param name as a program sees it in `${params.NAME}` and SWEEPQ_PARAMS. */
const PARAM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
/** `${params.NAME}` in an argument. */
export const PLACEHOLDER_PATTERN = /\$\{params\.([^}]*)\}/g;
/**
 * Variables a sweep may not set: sweepq's own (they describe the trial) and the ones that let a
 * program be loaded with other code than the command names.
 */
const RESERVED_ENV = /^(SWEEPQ_.*|MLFLOW_TRACKING_URI|MLFLOW_RUN_ID|LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|NODE_OPTIONS)$/;

const ArgumentSchema = z
  .string()
  .min(1)
  .max(MAX_ARGUMENT_LENGTH)
  .refine((a) => !a.includes('\0'), { error: 'an argument cannot contain a NUL character (remove it)' });

/** `program:` — what one trial runs. */
export const ProgramBlockSchema = strict({
  /** The executable and its arguments, one list item each: never a shell line (no quoting, no globbing). */
  command: z
    .array(ArgumentSchema, {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? `command must be a list of arguments, got ${describeValue(issue.input)} (write [python3, train.py, --lr, "\${params.lr}"]; it is never run by a shell)`
          : undefined,
    })
    .min(1)
    .max(MAX_ARGUMENTS),
  /** Extra environment of the program (its environment is otherwise clean: no credentials). */
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name is letters, digits and _ (not starting with a digit)'),
      z.string().max(MAX_ENV_VALUE_LENGTH),
    )
    .optional(),
  /** Wall-clock limit of one trial in seconds (overrides limits.timeout_s). */
  timeout_s: z.number().int().min(1).max(604_800).optional(),
  /**
   * A folder of code (relative to the sweep file), uploaded content-addressed and unpacked on the
   * workers, where each trial runs in its own copy; `{sha256}` once uploaded (what the API accepts).
   */
  bundle: z
    .union([z.string().min(1).max(4096), z.strictObject({ sha256: Sha256Schema })], {
      error: 'bundle is a folder path (or {sha256: ...} of an uploaded bundle)',
    })
    .optional(),
  /**
   * Working directory of the program: set by `sweepq run` to the sweep file's folder (absolute). Not
   * for sweep files: workers elsewhere do not have the submitter's folders.
   */
  workdir: z.string().max(4096).optional(),
}).superRefine((program, ctx) => {
  const env = program.env ?? {};
  const names = Object.keys(env);
  if (names.length > MAX_ENV_VARIABLES)
    ctx.addIssue({
      code: 'custom',
      path: ['env'],
      message: `program.env sets ${names.length} variables, more than ${MAX_ENV_VARIABLES} (pass settings as params instead)`,
    });
  for (const name of names) {
    if (RESERVED_ENV.test(name))
      ctx.addIssue({
        code: 'custom',
        path: ['env', name],
        message: `${name} is set by sweepq or would load other code into the program; it cannot be set in program.env (remove it)`,
      });
    if (env[name]!.includes('\0'))
      ctx.addIssue({ code: 'custom', path: ['env', name], message: 'an environment value cannot contain a NUL character (remove it)' });
  }
  if (program.workdir !== undefined && (!program.workdir.startsWith('/') || UNPRINTABLE.test(program.workdir))) {
    ctx.addIssue({ code: 'custom', path: ['workdir'], message: 'workdir is set by `sweepq run` (an absolute path); remove it from the sweep file' });
  }
});

/** Params of a program trial: any name, JSON scalars. */
const ProgramParamsSchema = z.record(
  z.string().regex(PARAM_NAME_PATTERN, 'a param name is letters, digits, _ . - (starting with a letter or _), at most 100 characters'),
  z.unknown(),
);

/** `model: program` is what a parsed spec holds (a parsed spec parses again to itself); files leave it out. */
const ProgramModelSchema = z.literal(PROGRAM_MODEL, { error: 'a program sweep names no model (remove model:; the program is the model)' }).optional();

const ProgramTrialSchema = strict({
  name: TrialNameSchema.optional(),
  model: ProgramModelSchema,
  params: ProgramParamsSchema.prefault({}),
})
  .superRefine((trial, ctx) => {
    for (const [key, value] of Object.entries(trial.params)) {
      const literal = ParamLiteralSchema.safeParse(value);
      if (!literal.success)
        ctx.addIssue({
          code: 'custom',
          path: ['params', key],
          message: `${key} = ${describeValue(value)} is not a value (write a number, text, true/false or null)`,
        });
    }
  })
  // Program trials all share one "model": segments, names and seeds then work as for built-in trials.
  .transform((trial) => ({ ...(trial.name === undefined ? {} : { name: trial.name }), model: PROGRAM_MODEL as TrialModelName, params: trial.params }));

const ProgramSearchSchema = strict({
  method: z.enum(['grid', 'random']),
  max_trials: z.number().int().min(1).max(MAX_TRIALS_HARD_LIMIT).optional(),
  seed: SeedSchema.optional(),
  space: z
    .array(strict({ model: ProgramModelSchema, params: ProgramParamsSchema }))
    .min(1)
    .max(MAX_SPACE_ENTRIES),
  pruner: ProgramPrunerSchema.optional(),
}).transform((search, ctx) => {
  const space: SearchSpaceEntry[] = [];
  let ok = true;
  for (let e = 0; e < search.space.length; e++) {
    const params: Record<string, ParamSpec> = {};
    for (const [key, raw] of Object.entries(search.space[e]!.params)) {
      const spec = parseProgramDimension(raw, search.method, (path, message) =>
        ctx.addIssue({ code: 'custom', path: ['space', e, 'params', key, ...path], message }),
      );
      if (spec === undefined) ok = false;
      else params[key] = spec;
    }
    space.push({ model: PROGRAM_MODEL, params });
  }
  if (search.method === 'random' && search.max_trials === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['max_trials'],
      message: 'random search needs max_trials, the number of trials to draw (add max_trials: 20, for example)',
    });
    ok = false;
  }
  if (ok && search.method === 'grid') ok = gridFitsMaxTrials(space, search.max_trials, ctx);
  if (!ok) return z.NEVER;
  return {
    method: search.method,
    ...(search.max_trials === undefined ? {} : { max_trials: search.max_trials }),
    ...(search.seed === undefined ? {} : { seed: search.seed }),
    space,
    ...(search.pruner === undefined ? {} : { pruner: search.pruner }),
  };
});

/** One search dimension of a program param: a literal, `{values: [...]}` or a distribution. */
function parseProgramDimension(raw: unknown, method: 'grid' | 'random', report: (path: PropertyKey[], message: string) => void): ParamSpec | undefined {
  if (Array.isArray(raw)) {
    report([], 'a bare list is not a search dimension (write {values: [...]} to search over these values)');
    return undefined;
  }
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'values')) {
    const parsed = ValuesParamSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(issue.path, issue.message);
      return undefined;
    }
    return parsed.data;
  }
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'distribution')) {
    if (method === 'grid') {
      report([], 'a grid search cannot enumerate a distribution (use method: random with max_trials, or list the values to try as {values: [...]})');
      return undefined;
    }
    const parsed = DistributionParamSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(issue.path, issue.message);
      return undefined;
    }
    const { lo, hi } = distributionBounds(parsed.data);
    if (lo > hi || !Number.isFinite(distributionAt(parsed.data, 0.5))) {
      report([], 'the distribution has no value in its range (widen the range or use a smaller q)');
      return undefined;
    }
    return parsed.data;
  }
  const literal = ParamLiteralSchema.safeParse(raw);
  if (!literal.success) {
    report([], `a search param must be a fixed value, {values: [...]} or {distribution: ..., min, max} (got ${describeValue(raw)})`);
    return undefined;
  }
  return literal.data;
}

/** The sweep file of a program sweep. */
export const ProgramSweepSpecSchema = strict({
  name: ExperimentNameSchema,
  description: z.string().max(2000).optional(),
  seed: SeedSchema.default(0),
  program: ProgramBlockSchema,
  /** Required: sweepq cannot guess what a program reports. */
  objective: strict({ metric: MetricNameSchema, goal: GoalSchema }),
  metrics: z.array(MetricDeclarationSchema).max(MAX_METRICS_PER_TRIAL).optional(),
  limits: LimitsSpecSchema.optional(),
  trials: z.array(ProgramTrialSchema).max(MAX_EXPLICIT_TRIALS).optional(),
  search: ProgramSearchSchema.optional(),
}).superRefine((spec, ctx) => {
  if ((spec.trials === undefined || spec.trials.length === 0) && spec.search === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: spec.trials === undefined ? [] : ['trials'],
      message: 'the sweep has no trials (add trials: [{params: {...}}] or search: {method: grid, space: [{params: {...}}]})',
    });
  }
  const seen = new Set<string>();
  const declared = spec.metrics ?? [];
  for (let i = 0; i < declared.length; i++) {
    if (seen.has(declared[i]!.name))
      ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `metric ${declared[i]!.name} is declared twice (remove the duplicate)` });
    seen.add(declared[i]!.name);
  }
  const known = builtinMetric(spec.objective.metric);
  if (known !== undefined && known.goal !== spec.objective.goal) {
    ctx.addIssue({
      code: 'custom',
      path: ['objective', 'goal'],
      message: `${spec.objective.metric} is a built-in metric to ${known.goal} (report it under another name, e.g. val_${spec.objective.metric}, to ${spec.objective.goal} it)`,
    });
  }
  // Every placeholder must name a param that every trial has: a typo fails here, not in trial 1,000.
  const names = paramNamesOfEveryTrial(spec);
  const command = spec.program.command;
  for (let i = 0; i < command.length; i++) {
    for (const match of command[i]!.matchAll(PLACEHOLDER_PATTERN)) {
      const name = match[1]!;
      if (!names.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['program', 'command', i],
          message: `\${params.${name}} names a param not every trial has (params of every trial: ${[...names].join(', ') || 'none'}; fix the name or add the param)`,
        });
      }
    }
    const stray = command[i]!.replace(PLACEHOLDER_PATTERN, '');
    if (stray.includes('${params'))
      ctx.addIssue({ code: 'custom', path: ['program', 'command', i], message: 'an unclosed ${params. placeholder (write ${params.NAME})' });
  }
});

/** Param names present in every explicit trial and every search entry. */
function paramNamesOfEveryTrial(spec: {
  trials?: Array<{ params: Record<string, unknown> }> | undefined;
  search?: { space: SearchSpaceEntry[] } | undefined;
}): Set<string> {
  let names: Set<string> | undefined;
  const keep = (keys: string[]): void => {
    if (names === undefined) names = new Set(keys);
    else for (const name of names) if (!keys.includes(name)) names.delete(name);
  };
  for (const trial of spec.trials ?? []) keep(Object.keys(trial.params));
  for (const entry of spec.search?.space ?? []) keep(Object.keys(entry.params));
  return names ?? new Set();
}

export type ProgramSweepSpec = z.output<typeof ProgramSweepSpecSchema>;

/** True when a raw sweep document (file or body) describes a program sweep: it has a `program` key. */
export function isProgramSweepDocument(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'program');
}
