/**
 * Grid search: the cartesian product of each space entry's listed values, in scikit-learn's
 * ParameterGrid order (keys sorted, the last key varies fastest). Points are addressed by index in
 * mixed radix, so the grid is counted and walked without ever being materialised.
 */
import { InvalidInputError } from '../errors/index.js';
import type { ParamSpec, SearchSpaceEntry } from '../schemas/search-space.schema.js';
import type { ParamLiteral } from '../schemas/spec-scalars.schema.js';

/** One dimension of a grid: a param and the values it takes (one value for a fixed param). */
export interface GridAxis {
  readonly key: string;
  readonly values: readonly ParamLiteral[];
}

function isValuesParam(spec: ParamSpec): spec is { values: ParamLiteral[] } {
  return typeof spec === 'object' && spec !== null && 'values' in spec;
}

function isDistributionParam(spec: ParamSpec): boolean {
  return typeof spec === 'object' && spec !== null && 'distribution' in spec;
}

/** True when every param of the entry is a literal or a values list (the entry is a finite grid). */
export function isDiscreteEntry(entry: SearchSpaceEntry): boolean {
  for (const key of Object.keys(entry.params)) if (isDistributionParam(entry.params[key]!)) return false;
  return true;
}

/**
 * The axes of an entry, keys sorted.
 * @throws InvalidInputError `INVALID_SPEC` for a distribution (the schema already rejects it in grids).
 */
export function gridAxes(entry: SearchSpaceEntry): GridAxis[] {
  const keys = Object.keys(entry.params).sort();
  const axes: GridAxis[] = [];
  for (const key of keys) {
    const spec = entry.params[key]!;
    if (isValuesParam(spec)) axes.push({ key, values: spec.values });
    else if (isDistributionParam(spec)) {
      throw new InvalidInputError('INVALID_SPEC', `${key}: a grid cannot enumerate a distribution (use method: random or list values)`, {
        location: { path: `params.${key}` },
      });
    } else axes.push({ key, values: [spec as ParamLiteral] });
  }
  return axes;
}

/** Number of points of a set of axes. */
export function axesPointCount(axes: readonly GridAxis[]): number {
  let count = 1;
  for (let a = 0; a < axes.length; a++) count *= axes[a]!.values.length;
  return count;
}

/** The params of grid point `index` (0 ≤ index < axesPointCount), last axis fastest. */
export function gridPoint(axes: readonly GridAxis[], index: number): Record<string, ParamLiteral> {
  const params: Record<string, ParamLiteral> = {};
  let rest = index;
  // Decode from the last axis (fastest) so the first axis is the most significant digit.
  const picks = new Array<number>(axes.length);
  for (let a = axes.length - 1; a >= 0; a--) {
    const n = axes[a]!.values.length;
    picks[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  for (let a = 0; a < axes.length; a++) {
    const axis = axes[a]!;
    params[axis.key] = axis.values[picks[a]!]!;
  }
  return params;
}
