/**
 * The pre-flight check of a sweep's trials against their memory limit: every explicit trial, and for a
 * search the costliest point of each space entry (the most trees, unlimited depth), is estimated on the
 * sweep's data shape. A trial that cannot fit is refused at submit — exit 2 / HTTP 400, with the
 * estimate, the limit and how to fix it — instead of killing worker after worker at run time.
 */
import { InvalidInputError } from '../errors/index.js';
import type { ParamSpec, SearchSpaceEntry } from '../schemas/search-space.schema.js';
import type { SegmentPlan } from '../search/search-segment.js';
import { estimateTrialMemoryBytes, type DataShape } from '../search/estimate-trial-memory.js';

const MB = 1024 * 1024;
/** Params whose larger values cost more memory; `max_depth: null` (unlimited) is the costliest depth. */
const COSTLY_PARAMS = ['n_estimators', 'max_depth', 'min_samples_leaf'] as const;

/** The costliest value a search param can take, for the params that drive memory. */
function costliest(key: string, spec: ParamSpec | undefined): unknown {
  if (spec === undefined) return undefined;
  if (typeof spec !== 'object' || spec === null) return spec;
  if ('values' in spec) {
    if (key === 'max_depth' && spec.values.includes(null)) return null;
    const numbers = spec.values.filter((v): v is number => typeof v === 'number');
    if (numbers.length === 0) return spec.values[0];
    return key === 'min_samples_leaf' ? Math.min(...numbers) : Math.max(...numbers);
  }
  return key === 'min_samples_leaf' ? spec.min : spec.max;
}

function worstParams(entry: SearchSpaceEntry): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const key of COSTLY_PARAMS) {
    if (Object.hasOwn(entry.params, key)) params[key] = costliest(key, entry.params[key]);
  }
  return params;
}

function describe(params: Readonly<Record<string, unknown>>): string {
  const shown = COSTLY_PARAMS.filter((k) => Object.hasOwn(params, k)).map((k) => `${k}=${JSON.stringify(params[k])}`);
  return shown.length === 0 ? '' : ` with ${shown.join(', ')}`;
}

/**
 * @param memoryMb the trials' limit (`limits.memory_mb` or SWEEPQ_TRIAL_MEMORY_MB).
 * @throws InvalidInputError LIMIT_EXCEEDED naming the trial, its estimate and the limit.
 */
export function assertTrialsFit(
  segments: readonly SegmentPlan[],
  shape: DataShape,
  memoryMb: number,
  task: 'classification' | 'regression' = 'classification',
): void {
  const limit = memoryMb * MB;
  const check = (model: string, params: Readonly<Record<string, unknown>>, where: string, what: string): void => {
    const bytes = estimateTrialMemoryBytes(model, params, shape, task);
    if (bytes <= limit) return;
    throw new InvalidInputError(
      'LIMIT_EXCEEDED',
      `${what} (${model}${describe(params)}) would need about ${Math.ceil(bytes / MB).toLocaleString('en')} MB on this data (${shape.rows} rows, ${shape.features} features, ${shape.classes} classes), more than the trial memory limit of ${memoryMb.toLocaleString('en')} MB; shrink the model or the data, or raise limits.memory_mb (up to SWEEPQ_TRIAL_MEMORY_MAX_MB)`,
      { location: { path: where }, details: { estimateMb: Math.ceil(bytes / MB), limitMb: memoryMb } },
    );
  };
  for (const segment of segments) {
    if (segment.kind === 'explicit') {
      for (let i = 0; i < segment.trials.length; i++) {
        const trial = segment.trials[i]!;
        check(trial.model, trial.params, `trials.${i}`, `trial ${i}${trial.name === undefined ? '' : ` "${trial.name}"`}`);
      }
    } else {
      const space = segment.space as SearchSpaceEntry[];
      for (let e = 0; e < space.length; e++) check(space[e]!.model, worstParams(space[e]!), `search.space.${e}`, `the costliest trial of search.space[${e}]`);
    }
  }
}
