/**
 * One shape for every pipeline spec: the flat v1 form `{imputer, scaler}` becomes the numeric branch,
 * and the categorical branch gets its defaults (most_frequent imputer, one-hot with
 * handle_unknown: ignore). Also applies searchable overrides such as
 * `pipeline.categorical.encoder.kind = ordinal` (trial params) to a spec.
 */
import { InvalidInputError } from '../../errors/index.js';
import { PipelineSpecSchema, ResolvedPipelineSpecSchema, type PipelineSpecInput, type ResolvedPipelineSpec } from '../../schemas/pipeline-spec.schema.js';

/** Resolved specs by their input's JSON; a sweep has one spec plus its trials' pipeline overrides. */
const resolvedSpecs = new Map<string, ResolvedPipelineSpec>();
const RESOLVED_SPECS_CACHED = 256;

/**
 * The nested form of a (flat or nested) pipeline spec, with every default filled in.
 * @throws InvalidInputError INVALID_SPEC naming the offending field.
 */
export function resolvePipelineSpec(spec: PipelineSpecInput | ResolvedPipelineSpec | undefined): ResolvedPipelineSpec {
  // Every trial of a sweep resolves the same few specs, several times each (its folds' pipelines):
  // two zod parses were ~0.5 ms of a trivial trial's ~2.7 ms in its training process (issue 13).
  const key = JSON.stringify(spec ?? {});
  const known = resolvedSpecs.get(key);
  if (known !== undefined) return structuredClone(known);
  const parsed = PipelineSpecSchema.safeParse(spec ?? {});
  if (!parsed.success) throw specError(parsed.error.issues);
  const data = parsed.data;
  const resolved = ResolvedPipelineSpecSchema.parse({
    numeric: data.numeric ?? { imputer: data.imputer, scaler: data.scaler },
    categorical: data.categorical ?? {},
  });
  if (resolvedSpecs.size >= RESOLVED_SPECS_CACHED) resolvedSpecs.clear();
  // A copy in, copies out: callers own (and may change) what they get.
  resolvedSpecs.set(key, structuredClone(resolved));
  return resolved;
}

/** Encoder fields that keep their meaning when `kind` changes; the rest fall back to the new kind's defaults. */
const SHARED_ENCODER_FIELDS = ['min_frequency', 'max_categories'] as const;

/**
 * Sets one dotted path of a pipeline spec, e.g. `pipeline.numeric.scaler` → `robust` or
 * `pipeline.categorical.encoder.kind` → `ordinal` (the leading `pipeline.` is optional). Returns a new,
 * validated spec in nested form; the input is not modified. Changing `encoder.kind` keeps
 * min_frequency/max_categories and resets the fields the other kind lacks. `null` clears a step
 * (`numeric.imputer: null`).
 * @throws InvalidInputError INVALID_SPEC for an unknown path or a value the schema refuses.
 */
export function applyPipelineOverride(spec: PipelineSpecInput | ResolvedPipelineSpec | undefined, path: string, value: unknown): ResolvedPipelineSpec {
  const resolved = resolvePipelineSpec(spec);
  const keys = path.replace(/^pipeline\./, '').split('.');
  if (keys.length === 0 || keys.some((k) => k.length === 0) || (keys[0] !== 'numeric' && keys[0] !== 'categorical')) {
    throw new InvalidInputError(
      'INVALID_SPEC',
      `unknown pipeline parameter "${path}"; searchable ones start with pipeline.numeric. or pipeline.categorical. (e.g. pipeline.numeric.scaler, pipeline.categorical.encoder.kind)`,
      {
        location: { path },
      },
    );
  }
  const draft = JSON.parse(JSON.stringify(resolved)) as Record<string, unknown>;
  let node: Record<string, unknown> = draft;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    let child = node[key];
    if (child === null || child === undefined) {
      // Setting a field of a cleared step (e.g. numeric.imputer.strategy) re-creates the step.
      child = {};
      node[key] = child;
    }
    if (typeof child !== 'object' || Array.isArray(child)) {
      throw new InvalidInputError('INVALID_SPEC', `pipeline parameter "${path}": ${keys.slice(0, i + 1).join('.')} is not an object`, { location: { path } });
    }
    node = child as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (keys.length === 3 && keys[0] === 'categorical' && keys[1] === 'encoder' && last === 'kind' && node.kind !== value) {
    const kept: Record<string, unknown> = { kind: value };
    for (const field of SHARED_ENCODER_FIELDS) if (field in node) kept[field] = node[field];
    (draft.categorical as Record<string, unknown>).encoder = kept;
  } else {
    node[last] = value;
  }
  const parsed = ResolvedPipelineSpecSchema.safeParse(draft);
  if (!parsed.success) throw specError(parsed.error.issues, path);
  return parsed.data;
}

/** Applies several overrides in order (e.g. a trial's `pipeline.*` params). */
export function applyPipelineOverrides(
  spec: PipelineSpecInput | ResolvedPipelineSpec | undefined,
  overrides: Readonly<Record<string, unknown>>,
): ResolvedPipelineSpec {
  let current = resolvePipelineSpec(spec);
  for (const [path, value] of Object.entries(overrides)) current = applyPipelineOverride(current, path, value);
  return current;
}

function specError(issues: readonly { path: PropertyKey[]; message: string }[], path?: string): InvalidInputError {
  const first = issues[0];
  const at = first && first.path.length > 0 ? `pipeline.${first.path.map(String).join('.')}` : 'pipeline';
  return new InvalidInputError('INVALID_SPEC', `invalid pipeline spec${path ? ` after setting ${path}` : ''} at ${at}: ${first?.message ?? 'invalid'}`, {
    location: { path: at },
    details: issues,
  });
}
