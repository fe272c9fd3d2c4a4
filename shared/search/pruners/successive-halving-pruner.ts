/**
 * Asynchronous successive halving (ASHA), as Optuna's SuccessiveHalvingPruner: rung k sits at
 * resource min_resource · reduction_factor^(min_early_stopping_rate + k); a trial that reaches a
 * rung records its value there and goes on only if that value is in the top 1/reduction_factor of
 * the values recorded at the rung so far, itself included (while fewer than reduction_factor
 * trials have reached the rung, only the best so far goes on). No trial waits for others: early
 * trials are judged against fewer competitors, as in the ASHA paper.
 *
 * Pure decision logic: the caller stores each rung's recorded values (Redis, in sweepq) and passes
 * them in; the pruner never keeps state.
 */
import { InvalidInputError } from '../../errors/index.js';
import { formatPair, type PrunerGoal } from './pruner-format.js';

export interface SuccessiveHalvingOptions {
  /** Resource of the first rung (e.g. trees, epochs). */
  min_resource: number;
  /** Resource a trial that is never stopped runs to. */
  max_resource: number;
  /** Keep the top 1/reduction_factor at each rung. Default 3. */
  reduction_factor?: number;
  /** Skips the first rungs: the first decision happens at min_resource · rf^rate. Default 0. */
  min_early_stopping_rate?: number;
  /** Stop every trial until more than this many trials have reached a rung (Optuna's bootstrap_count). Default 0. */
  bootstrap_count?: number;
}

export interface RungDecision {
  /** 'promote': train on to `nextResource`; 'stop': prune the trial now. */
  action: 'promote' | 'stop';
  rung: number;
  /** Resource of this rung. */
  resource: number;
  /** Where a promoted trial trains to next (the next rung, or max_resource); null when stopped. */
  nextResource: number | null;
  /** Whether to record this trial's value at the rung (everything but NaN is recorded). */
  record: boolean;
  /** Trials at this rung, this one included. */
  competitors: number;
  /** How many of them are promotable (the top 1/rf, at least 1). */
  promotable: number;
  /** The value to reach (the promotable-th best at the rung); null for NaN or bootstrap stops. */
  cutoff: number | null;
  /** One human sentence, e.g. `stopped at rung 2 (resource 90): 0.871 is not in the top 1/3 of 7 trials at this rung (cut-off 0.884)`. */
  explanation: string;
}

export class SuccessiveHalvingPruner {
  readonly minResource: number;
  readonly maxResource: number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
  readonly goal: PrunerGoal;
  /** Resources at which trials are judged, increasing, all below max_resource. */
  readonly rungResources: readonly number[];

  /** @throws InvalidInputError `INVALID_SPEC` naming the bad option. */
  constructor(options: SuccessiveHalvingOptions, goal: PrunerGoal) {
    const rf = options.reduction_factor ?? 3;
    const rate = options.min_early_stopping_rate ?? 0;
    const bootstrap = options.bootstrap_count ?? 0;
    const bad = (key: string, message: string) => new InvalidInputError('INVALID_SPEC', `asha option ${key} ${message}`, { details: { option: key } });
    if (!(Number.isFinite(options.min_resource) && options.min_resource > 0))
      throw bad('min_resource', `must be > 0, got ${options.min_resource} (e.g. the smallest n_estimators worth judging)`);
    if (!(Number.isFinite(options.max_resource) && options.max_resource >= options.min_resource)) {
      throw bad('max_resource', `must be ≥ min_resource ${options.min_resource}, got ${options.max_resource} (the resource of a full trial)`);
    }
    if (!(Number.isInteger(rf) && rf >= 2)) throw bad('reduction_factor', `must be a whole number ≥ 2, got ${rf} (the default is 3)`);
    if (!(Number.isInteger(rate) && rate >= 0)) throw bad('min_early_stopping_rate', `must be a whole number ≥ 0, got ${rate} (the default is 0)`);
    if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) throw bad('bootstrap_count', `must be a whole number ≥ 0, got ${bootstrap} (the default is 0)`);
    if (goal !== 'maximize' && goal !== 'minimize') throw bad('goal', `must be maximize or minimize, got ${String(goal)}`);
    this.minResource = options.min_resource;
    this.maxResource = options.max_resource;
    this.reductionFactor = rf;
    this.minEarlyStoppingRate = rate;
    this.bootstrapCount = bootstrap;
    this.goal = goal;
    const rungs: number[] = [];
    for (let k = 0; ; k++) {
      const resource = this.resourceOfRung(k);
      if (resource >= this.maxResource) break;
      rungs.push(resource);
    }
    this.rungResources = rungs;
  }

  /** Resource of rung k: min_resource · rf^(min_early_stopping_rate + k). */
  resourceOfRung(rung: number): number {
    return this.minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
  }

  /** Where a new trial first trains to: the first rung, or max_resource when there is none. */
  get firstResource(): number {
    return this.rungResources[0] ?? this.maxResource;
  }

  /**
   * Decides for a trial that reached rung `rung` with `value`.
   * @param recorded the values other trials recorded at this rung so far (not this trial's).
   */
  decide(rung: number, value: number, recorded: ArrayLike<number>): RungDecision {
    if (!(Number.isInteger(rung) && rung >= 0 && rung < this.rungResources.length)) {
      throw new RangeError(`rung ${rung} does not exist (this pruner has rungs 0..${this.rungResources.length - 1} below max_resource ${this.maxResource})`);
    }
    const resource = this.rungResources[rung]!;
    const nextResource = this.rungResources[rung + 1] ?? this.maxResource;
    const where = `rung ${rung} (resource ${resource})`;
    const rf = this.reductionFactor;
    const competitors = recorded.length + 1;
    if (Number.isNaN(value)) {
      return {
        action: 'stop',
        rung,
        resource,
        nextResource: null,
        record: false,
        competitors,
        promotable: 0,
        cutoff: null,
        explanation: `stopped at ${where}: the value is NaN`,
      };
    }
    if (competitors <= this.bootstrapCount) {
      return {
        action: 'stop',
        rung,
        resource,
        nextResource: null,
        record: true,
        competitors,
        promotable: 0,
        cutoff: null,
        explanation: `stopped at ${where}: only ${competitors} trial${competitors === 1 ? ' has' : 's have'} reached this rung, bootstrap_count is ${this.bootstrapCount}`,
      };
    }
    // Optuna: promotable index = floor(n / rf) − 1, or 0 (only the best) while n < rf.
    const promotable = Math.max(1, Math.floor(competitors / rf));
    const sorted = new Float64Array(competitors);
    for (let i = 0; i < recorded.length; i++) sorted[i] = recorded[i]!;
    sorted[competitors - 1] = value;
    sorted.sort();
    // NaN sorts last in a Float64Array: for maximize, count from the last finite value.
    let finite = competitors;
    while (finite > 0 && Number.isNaN(sorted[finite - 1]!)) finite--;
    const cutoff = this.goal === 'maximize' ? sorted[finite - promotable]! : sorted[promotable - 1]!;
    const promote = this.goal === 'maximize' ? value >= cutoff : value <= cutoff;
    const [shownValue, shownCutoff] = formatPair(value, cutoff);
    const few = competitors < rf;
    const reason = few
      ? `${shownValue} is ${promote ? '' : 'not '}the best of ${competitors} trial${competitors === 1 ? '' : 's'} at this rung (fewer than ${rf}: only the best goes on${promote ? '' : `; best ${shownCutoff}`})`
      : `${shownValue} is ${promote ? '' : 'not '}in the top 1/${rf} of ${competitors} trials at this rung (cut-off ${shownCutoff})`;
    return {
      action: promote ? 'promote' : 'stop',
      rung,
      resource,
      nextResource: promote ? nextResource : null,
      record: true,
      competitors,
      promotable,
      cutoff,
      explanation: promote ? `promoted at ${where} to resource ${nextResource}: ${reason}` : `stopped at ${where}: ${reason}`,
    };
  }
}
