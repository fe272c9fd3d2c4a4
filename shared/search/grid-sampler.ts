/**
 * Grid search as a sampler: the concatenated grids of the space's entries, each in scikit-learn's
 * ParameterGrid order, addressed by index. Nothing is materialised, so a 10^6-point grid costs nothing
 * until its trials are created, a window at a time.
 */
import type { SearchSpaceEntry } from '../schemas/search-space.schema.js';
import { axesPointCount, gridAxes, gridPoint, type GridAxis } from './grid.js';
import type { AskRequest, AskResult, Proposal, Sampler } from './sampler.js';

/** Several grids laid end to end: global point index ↔ (entry, point within the entry's grid). */
export class ConcatenatedGrids {
  readonly axes: GridAxis[][] = [];
  /** First global index of each entry's grid. */
  readonly offsets: number[] = [];
  readonly size: number;

  constructor(space: readonly SearchSpaceEntry[]) {
    let total = 0;
    for (const entry of space) {
      const axes = gridAxes(entry);
      this.axes.push(axes);
      this.offsets.push(total);
      total += axesPointCount(axes);
    }
    this.size = total;
  }

  /** The entry and params of global point `index` (0 ≤ index < size). */
  point(index: number): Proposal {
    // Few entries (≤ 100): a linear scan from the end finds the entry holding the index.
    let entry = this.offsets.length - 1;
    while (this.offsets[entry]! > index) entry--;
    return { entry, params: gridPoint(this.axes[entry]!, index - this.offsets[entry]!) };
  }
}

export class GridSampler implements Sampler {
  readonly deterministic = true;
  private readonly grids: ConcatenatedGrids;

  constructor(space: readonly SearchSpaceEntry[]) {
    this.grids = new ConcatenatedGrids(space);
  }

  get size(): number {
    return this.grids.size;
  }

  ask(request: AskRequest): AskResult {
    const end = Math.min(this.grids.size, request.nextIndex + request.count);
    if (request.nextIndex >= end) return { kind: 'exhausted' };
    const proposals: Proposal[] = [];
    for (let i = request.nextIndex; i < end; i++) proposals.push(this.grids.point(i));
    return { kind: 'proposals', proposals };
  }
}
