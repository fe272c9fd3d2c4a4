/**
 * Tree-structured Parzen Estimator, as Optuna 5.0.0's TPESampler (`samplers/_tpe/sampler.py`) with
 * its defaults, behind sweepq's {@link Sampler} seam.
 *
 * One proposal: split the finished trials into the best gamma(n) ("good", l) and the rest ("bad",
 * g); fit a Parzen estimator to each; draw n_ei_candidates points from l and keep the one maximising
 * log l(x) − log g(x). Before n_startup_trials trials have finished, proposals are uniform.
 *
 * - Conditional spaces (several entries), by default (`conditional: 'per_model'`): the entry is
 *   chosen by Thompson sampling on how often its trials land in the good group (see
 *   thompson-entry.ts), then its params are modelled from its own trials, split into good and bad
 *   among themselves (gamma of the entry's finished trials). `conditional: 'optuna'` is Optuna's
 *   `group=True` instead: the entry by its own TPE over all trials, the good/bad split over all
 *   trials. On the benchmark's gb | rf space 'per_model' beats random search in 77 % of 200 tuning
 *   seeds against 58 % for Optuna's way (issue 11, README's search benchmark).
 * - Stalls: once 20 trials have finished since the best one, the good group widens to 25 % of the
 *   trials (stalled-gamma.ts).
 * - Constant liar: created-but-unfinished trials join the bad group (as if they had the worst
 *   value), so concurrent asks are pushed away from each other. Proposals made earlier in the same
 *   ask count as pending for the later ones.
 * - Finite entries (`values` lists, int_uniform and q_uniform grids; literals fixed) never get a
 *   point already observed or pending while they have a free one (Optuna would repeat it), and a
 *   fully taken space answers `exhausted`. A repeat would cost a trial and teach nothing.
 * - Reproducible: proposal k draws from an Rng seeded with (seed, nextIndex + k,
 *   observation count), so the same request gives the same proposals in any process, and a batch
 *   of k proposals equals k single asks with the earlier ones pending.
 *
 * Cost: one pass of reference comparisons over the observations plus the changed ones (kept as
 * columns across asks, observation-columns.ts), O(n) typed passes for the groups, then estimators over at most
 * {@link MAX_BAD_KERNELS} + 1 kernels: past that many bad trials, g is built from a weight-
 * proportional systematic subsample of them (see `badKernels`), which keeps ask() within a few
 * milliseconds at 10,000 trials. Below the cap the densities are Optuna's exactly.
 */
import { Rng, seedFrom } from '../../ml/random/rng.js';
import type { SearchSpaceEntry } from '../../schemas/search-space.schema.js';
import type { ParamLiteral } from '../../schemas/spec-scalars.schema.js';
import type { AskRequest, AskResult, Proposal, Sampler } from '../sampler.js';
import { defaultWeights, ParzenEstimator, type ParzenDimension, type ParzenParameters } from './parzen-estimator.js';
import { resolveTpeOptions, type TpeOptions, type TpeOptionsInput } from './tpe-options.js';
import { compileTpeSpace, externalValue, pointIndex, pointValues, sampleUniform, type TpeEntry, type TpeSpace } from './tpe-space.js';
import { ObservationColumns } from './observation-columns.js';
import { stalledGamma } from './stalled-gamma.js';
import { TableBuffers } from './table-buffers.js';
import { thompsonEntry } from './thompson-entry.js';
import { TrialTable, type EntryRows } from './trial-table.js';

/**
 * Most kernels of the bad-group estimator g. Optuna evaluates every bad trial (O(n) per candidate);
 * above this many, g is a systematic subsample, weight-proportional, which is an unbiased estimate
 * of Optuna's mixture (each kept kernel carries the weight of the ones it stands for).
 */
export const MAX_BAD_KERNELS = 512;

/** Rounds of fresh candidates tried before a discrete entry falls back to a uniform free point. */
const DEDUP_ROUNDS = 4;

export class TpeSampler implements Sampler {
  readonly size: number | null;
  readonly deterministic = false;
  readonly options: Readonly<TpeOptions>;
  private readonly space: TpeSpace;
  private readonly parzen: ParzenParameters;
  private readonly entryDims: readonly ParzenDimension[];
  /** Scratch arrays reused by successive asks (allocation only; no state carries over). */
  private readonly buffers = new TableBuffers();
  /** Per param group, the arrays of its bad-group estimator, rebuilt for every proposal. */
  private readonly badScratch: TableBuffers[] = [];
  /**
   * The observations as columns, updated from the changes since the last ask: a cache, equal to
   * columns built afresh from the request's observations, so proposals do not depend on history.
   */
  private readonly columns: ObservationColumns;

  /**
   * @param space the search space entries (as parsed from the sweep file).
   * @param options TPE options; defaults are Optuna 5.0.0's.
   * @param maxTrials most trials of this search (max_trials), or null for no limit.
   * @throws InvalidInputError `INVALID_SPEC` for bad options or an empty space.
   */
  constructor(space: readonly SearchSpaceEntry[], options: TpeOptionsInput = {}, maxTrials: number | null = null) {
    this.options = resolveTpeOptions(options);
    this.space = compileTpeSpace(space);
    if (maxTrials !== null && !(Number.isSafeInteger(maxTrials) && maxTrials >= 0))
      throw new RangeError(`maxTrials must be a whole number ≥ 0, got ${maxTrials}`);
    const spaceSize = this.space.size;
    this.size = maxTrials === null ? spaceSize : spaceSize === null ? maxTrials : Math.min(maxTrials, spaceSize);
    this.parzen = { priorWeight: this.options.prior_weight, considerMagicClip: true, considerEndpoints: false };
    this.entryDims = [{ kind: 'categorical', choices: this.space.entries.length }];
    this.columns = new ObservationColumns(this.space.entries);
  }

  ask(request: AskRequest): AskResult {
    const { count, nextIndex } = request;
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a whole number ≥ 1, got ${count}`);
    if (!Number.isSafeInteger(nextIndex) || nextIndex < 0) throw new RangeError(`nextIndex must be a whole number ≥ 0, got ${nextIndex}`);
    const wanted = this.size === null ? count : Math.min(count, this.size - nextIndex);
    if (wanted <= 0) return { kind: 'exhausted' };
    const table = new TrialTable(this.space, request.observations, request.pending, request.goal, wanted, this.buffers, this.columns);
    const gamma = stalledGamma(table.trialsSinceBest(), this.options.gamma);
    table.split(gamma, this.options.constant_liar, this.options.conditional === 'per_model');
    const proposals: Proposal[] = [];
    const goodCache = new Map<string, ParzenEstimator>();
    for (let k = 0; k < wanted; k++) {
      const free = this.freeEntries(table);
      if (free.length === 0) break;
      const rng = new Rng(seedFrom('tpe', request.seed, nextIndex + k, request.observations.length));
      const proposal = this.propose(table, free, rng, goodCache);
      proposals.push(proposal);
      table.addPending(proposal.entry, proposal.params);
    }
    return proposals.length === 0 ? { kind: 'exhausted' } : { kind: 'proposals', proposals };
  }

  /** Entries that can still yield a new point. */
  private freeEntries(table: TrialTable): number[] {
    const free: number[] = [];
    for (let e = 0; e < this.space.entries.length; e++) {
      const taken = table.perEntry[e]!.taken;
      if (taken === null || taken.size < this.space.entries[e]!.size) free.push(e);
    }
    return free;
  }

  private propose(table: TrialTable, free: readonly number[], rng: Rng, goodCache: Map<string, ParzenEstimator>): Proposal {
    const startup = table.finished < this.options.n_startup_trials;
    const entries = this.space.entries;
    let e: number;
    if (free.length === 1) e = free[0]!;
    else if (startup) e = free[rng.nextInt(free.length)]!;
    else e = this.chooseEntry(table, free, rng, goodCache);
    const entry = entries[e]!;
    const values = startup ? this.uniformPoint(entry, table.perEntry[e]!, rng) : this.tpePoint(table, e, rng, goodCache);
    const params: Record<string, ParamLiteral> = { ...entry.fixed };
    for (let d = 0; d < entry.dims.length; d++) {
      const dim = entry.dims[d]!;
      params[dim.key] = externalValue(dim, values[d]!);
    }
    return { entry: e, params };
  }

  /**
   * The entry, among entries with a free point: by Thompson sampling ('per_model'), or by TPE over
   * the entry categorical, all trials (Optuna's group=True).
   */
  private chooseEntry(table: TrialTable, free: readonly number[], rng: Rng, goodCache: Map<string, ParzenEstimator>): number {
    if (this.options.conditional === 'per_model') return thompsonEntry(table, free, rng);
    let good = goodCache.get('entry');
    if (good === undefined) {
      good = this.entryEstimator(table, true);
      goodCache.set('entry', good);
    }
    const bad = this.entryEstimator(table, false);
    const m = this.options.n_ei_candidates;
    const candidates = good.sample(rng, m);
    const acquisition = score(good, bad, candidates, m);
    const order = rankDescending(acquisition, m);
    const isFree = new Uint8Array(this.space.entries.length);
    for (const e of free) isFree[e] = 1;
    for (let i = 0; i < m; i++) {
      const e = candidates[0]![order[i]!]!;
      if (isFree[e] === 1) return e;
    }
    return free[rng.nextInt(free.length)]!;
  }

  private entryEstimator(table: TrialTable, good: boolean): ParzenEstimator {
    const rows = good ? table.goodRows : table.badRows;
    const n = good ? table.goodRowCount : table.badRowCount;
    return this.estimator(this.entryDims, [table.entryOf], rows, n, good);
  }

  /**
   * An estimator over rows `picks[0..n)` of `source` columns (row order kept); past
   * {@link MAX_BAD_KERNELS} picks (bad group only), over a weighted subsample of them.
   */
  private estimator(dims: readonly ParzenDimension[], source: readonly ArrayLike<number>[], picks: Int32Array, n: number, good: boolean): ParzenEstimator {
    let rows = picks;
    let count = n;
    let weights: Float64Array | undefined;
    if (!good && n > MAX_BAD_KERNELS) {
      const sub = badKernels(n, MAX_BAD_KERNELS, this.buffers.float64('weights', n));
      rows = new Int32Array(sub.rows.length);
      for (let i = 0; i < sub.rows.length; i++) rows[i] = picks[sub.rows[i]!]!;
      count = rows.length;
      weights = sub.weights;
    }
    const columns: Float64Array[] = [];
    for (let d = 0; d < source.length; d++) {
      const from = source[d]!;
      const column = new Float64Array(count);
      for (let i = 0; i < count; i++) column[i] = from[rows[i]!]!;
      columns.push(column);
    }
    return new ParzenEstimator(dims, columns, count, this.parzen, weights);
  }

  /**
   * An estimator of entry e's dims over its rows `picks[0..n)` (local indices, row order), skipping
   * rows whose params fall outside the space; past {@link MAX_BAD_KERNELS} bad rows, over a
   * weighted subsample of them (only those rows' params are read). With `scratch`, its arrays are
   * views of those buffers (valid until the next estimator built with them).
   */
  private paramEstimator(
    table: TrialTable,
    e: number,
    dims: readonly number[],
    picks: Int32Array,
    n: number,
    good: boolean,
    scratch?: TableBuffers,
  ): ParzenEstimator {
    const entry = this.space.entries[e]!;
    const rows = table.perEntry[e]!;
    let locals = picks;
    let count = n;
    let weights: Float64Array | undefined;
    if (!good && n > MAX_BAD_KERNELS) {
      const sub = badKernels(n, MAX_BAD_KERNELS, this.buffers.float64('weights', n));
      count = sub.rows.length;
      locals = scratch === undefined ? new Int32Array(count) : scratch.int32('locals', count);
      for (let i = 0; i < count; i++) locals[i] = picks[sub.rows[i]!]!;
      weights = sub.weights;
    }
    const kept = scratch === undefined ? new Int32Array(count) : scratch.int32('kept', count);
    const keptWeights = weights === undefined ? undefined : scratch === undefined ? new Float64Array(count) : scratch.float64('keptWeights', count);
    let m = 0;
    for (let i = 0; i < count; i++) {
      const slot = table.read(e, locals[i]!);
      if (slot < 0) continue;
      kept[m] = slot;
      if (keptWeights !== undefined) keptWeights[m] = weights![i]!;
      m++;
    }
    const columns: Float64Array[] = [];
    const parzenDims: ParzenDimension[] = [];
    const block = scratch?.float64('columns', m * dims.length);
    for (let g = 0; g < dims.length; g++) {
      const d = dims[g]!;
      const from = rows.columns[d]!;
      const column = block === undefined ? new Float64Array(m) : block.subarray(g * m, (g + 1) * m);
      for (let i = 0; i < m; i++) column[i] = from[kept[i]!]!;
      columns.push(column);
      parzenDims.push(entry.dims[d]!.parzen);
    }
    return new ParzenEstimator(parzenDims, columns, m, this.parzen, keptWeights?.subarray(0, m), scratch);
  }

  /** The params of entry e by TPE: joint (multivariate) or one param at a time. */
  private tpePoint(table: TrialTable, e: number, rng: Rng, goodCache: Map<string, ParzenEstimator>): Float64Array {
    const entry = this.space.entries[e]!;
    const rows = table.perEntry[e]!;
    const D = entry.dims.length;
    const point = new Float64Array(D);
    if (D === 0) return point;
    const groups: number[][] = [];
    if (this.options.multivariate) groups.push(entry.dims.map((_, d) => d));
    else for (let d = 0; d < D; d++) groups.push([d]);
    const estimators: { dims: number[]; good: ParzenEstimator; bad: ParzenEstimator }[] = [];
    for (const dims of groups) {
      const cacheKey = `${e}:${dims.join(',')}`;
      let good = goodCache.get(cacheKey);
      if (good === undefined) {
        good = this.paramEstimator(table, e, dims, rows.good, rows.goodCount, true);
        goodCache.set(cacheKey, good);
      }
      // One scratch per group: the groups' bad estimators are alive together, each until the next proposal.
      const scratch = (this.badScratch[estimators.length] ??= new TableBuffers());
      estimators.push({ dims, good, bad: this.paramEstimator(table, e, dims, rows.bad, rows.badCount, false, scratch) });
    }
    const m = this.options.n_ei_candidates;
    const rounds = rows.taken === null ? 1 : DEDUP_ROUNDS;
    for (let round = 0; round < rounds; round++) {
      if (estimators.length === 1) {
        // Joint: rank the candidates, keep the best one that is free.
        const { good, bad } = estimators[0]!;
        const candidates = good.sample(rng, m);
        const order = rankDescending(score(good, bad, candidates, m), m);
        for (let i = 0; i < m; i++) {
          const c = order[i]!;
          for (let d = 0; d < D; d++) point[d] = candidates[d]![c]!;
          if (rows.taken === null || !rows.taken.has(pointIndex(entry, point))) return point;
        }
      } else {
        // Independent: each param's argmax; a taken combination draws a fresh round.
        for (const { dims, good, bad } of estimators) {
          const candidates = good.sample(rng, m);
          const best = rankDescending(score(good, bad, candidates, m), m)[0]!;
          point[dims[0]!] = candidates[0]![best]!;
        }
        if (rows.taken === null || !rows.taken.has(pointIndex(entry, point))) return point;
      }
    }
    return this.freePoint(entry, rows, rng);
  }

  /** A uniform point (Optuna's RandomSampler); in a discrete entry, a uniform free point. */
  private uniformPoint(entry: TpeEntry, rows: EntryRows, rng: Rng): Float64Array {
    if (rows.taken !== null) return this.freePoint(entry, rows, rng);
    const point = new Float64Array(entry.dims.length);
    for (let d = 0; d < entry.dims.length; d++) point[d] = sampleUniform(entry.dims[d]!, rng);
    return point;
  }

  /** A uniformly drawn point of a discrete entry that is neither observed nor pending. */
  private freePoint(entry: TpeEntry, rows: EntryRows, rng: Rng): Float64Array {
    const taken = rows.taken!;
    const size = entry.size;
    let index = -1;
    // Rejection first: quick while most points are free (and the only option for huge entries).
    for (let attempt = 0; attempt < 64 && index < 0; attempt++) {
      const candidate = size <= 0xffffffff ? rng.nextInt(size) : Math.floor(rng.next() * size);
      if (!taken.has(candidate)) index = candidate;
    }
    if (index < 0) {
      // Most points are taken, so the entry is small (taken ≤ trials): pick the r-th free point.
      let r = rng.nextInt(size - taken.size);
      for (let i = 0; i < size; i++) {
        if (taken.has(i)) continue;
        if (r-- === 0) {
          index = i;
          break;
        }
      }
    }
    return pointValues(entry, index);
  }
}

/** log l(x) − log g(x) at each candidate. */
function score(good: ParzenEstimator, bad: ParzenEstimator, candidates: Float64Array[], m: number): Float64Array {
  const l = good.logPdf(candidates, m);
  const g = bad.logPdf(candidates, m);
  for (let i = 0; i < m; i++) l[i] = l[i]! - g[i]!;
  return l;
}

/** Candidate indices by decreasing score; ties keep the earlier candidate first (numpy's argmax). */
export function rankDescending(values: Float64Array, m: number): Uint32Array {
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  // NaN scores (never expected) sort last.
  return order.sort((a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    if (va === vb || (Number.isNaN(va) && Number.isNaN(vb))) return a - b;
    if (Number.isNaN(va)) return 1;
    if (Number.isNaN(vb)) return -1;
    return va > vb ? -1 : 1;
  });
}

/**
 * Systematic resampling of n bad-group rows (Optuna's default weights, oldest first) down to at most
 * `cap` kernels: rows are picked at evenly spaced points of the cumulative weight, each pick carrying
 * total/cap weight, so the subsample's mixture has the same expected density and the same share
 * for the prior kernel as the full one. Deterministic (no random offset): the same rows give the
 * same kernels.
 */
export function badKernels(n: number, cap: number, scratch?: Float64Array): { rows: Int32Array; weights: Float64Array } {
  const w = defaultWeights(n, scratch !== undefined && scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n));
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  const step = total / cap;
  const rows = new Int32Array(cap);
  const weights = new Float64Array(cap);
  let kept = 0;
  let cumulative = 0;
  let row = -1;
  for (let j = 0; j < cap; j++) {
    const target = (j + 0.5) * step;
    while (cumulative <= target && row < n - 1) cumulative += w[++row]!;
    if (kept > 0 && rows[kept - 1] === row) weights[kept - 1] = weights[kept - 1]! + step;
    else {
      rows[kept] = row;
      weights[kept] = step;
      kept++;
    }
  }
  return { rows: rows.subarray(0, kept), weights: weights.subarray(0, kept) };
}
