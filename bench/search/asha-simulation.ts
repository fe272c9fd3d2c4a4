/**
 * ASHA on precomputed learning curves, in simulated time: W workers take configurations in a fixed
 * (random) order; a trial trains rung by rung (time = trees added), and at each rung the pruner
 * decides against the values recorded there so far, so early trials face fewer competitors, as in
 * a real asynchronous sweep. The baseline trains the same configurations fully.
 *
 * Rungs can be kept per group (`Curve.group`, e.g. the learning rate): a trial is then judged only
 * against trials of its group, for learners whose curves cross between groups but not within one.
 */
import { SuccessiveHalvingPruner } from '../../shared/search/pruners/index.js';

export interface Curve {
  /** Objective at each resource of `resources` (increasing). */
  values: readonly number[];
  /** Trials are compared at a rung only with trials of the same group (one shared group when omitted). */
  group?: string;
}

export interface AshaRun {
  /** Trees trained in total (the compute). */
  compute: number;
  /** Best objective at max_resource among the trials that got there. */
  best: number;
  /** Trials that reached max_resource. */
  completed: number;
}

/** Full training of every configuration (random search without pruning). */
export function runFull(curves: readonly Curve[], resources: readonly number[], maxResource: number): AshaRun {
  const at = resources.indexOf(maxResource);
  let best = Number.NEGATIVE_INFINITY;
  for (const curve of curves) best = Math.max(best, curve.values[at]!);
  return { compute: curves.length * maxResource, best, completed: curves.length };
}

/**
 * ASHA over the configurations in order, with `workers` trials in flight.
 * @param freshFits each rung is a fit of its own from scratch (resource `scaled_trees`, or rows), so
 *   reaching a rung costs its whole resource, not the difference to the last one; rungs above
 *   max_resource / reduction_factor are skipped, as PrunerClient.rungResources does for them.
 */
export function runAsha(curves: readonly Curve[], resources: readonly number[], pruner: SuccessiveHalvingPruner, workers: number, freshFits = false): AshaRun {
  const valueAt = (curve: Curve, resource: number): number => {
    const i = resources.findIndex((r) => Math.abs(r - resource) < 1e-9 * resource);
    if (i < 0) throw new Error(`no curve value at resource ${resource}`);
    return curve.values[i]!;
  };
  const rungsByGroup = new Map<string, number[][]>();
  const rungsOf = (curve: Curve): number[][] => {
    const group = curve.group ?? '';
    let rungs = rungsByGroup.get(group);
    if (rungs === undefined) {
      rungs = pruner.rungResources.map(() => []);
      rungsByGroup.set(group, rungs);
    }
    return rungs;
  };
  // In flight: trial index, the resource it is training to, and when it gets there.
  const running: { trial: number; target: number; done: number }[] = [];
  let nextTrial = 0;
  let compute = 0;
  let best = Number.NEGATIVE_INFINITY;
  let completed = 0;
  const start = (now: number): void => {
    if (nextTrial >= curves.length) return;
    const target = pruner.firstResource;
    running.push({ trial: nextTrial++, target, done: now + target });
    compute += target;
  };
  for (let w = 0; w < workers; w++) start(0);
  while (running.length > 0) {
    let first = 0;
    for (let i = 1; i < running.length; i++) if (running[i]!.done < running[first]!.done) first = i;
    const job = running.splice(first, 1)[0]!;
    const curve = curves[job.trial]!;
    const value = valueAt(curve, job.target);
    if (job.target >= pruner.maxResource) {
      completed++;
      best = Math.max(best, value);
      start(job.done);
      continue;
    }
    const rung = pruner.rungResources.indexOf(job.target);
    const recorded = rungsOf(curve)[rung]!;
    const decision = pruner.decide(rung, value, recorded);
    if (decision.record) recorded.push(value);
    if (decision.action === 'promote') {
      let next = decision.nextResource!;
      if (freshFits && next * pruner.reductionFactor > pruner.maxResource * (1 + 1e-9)) next = pruner.maxResource;
      const cost = freshFits ? next : next - job.target;
      compute += cost;
      running.push({ trial: job.trial, target: next, done: job.done + cost });
    } else {
      start(job.done);
    }
  }
  return { compute, best, completed };
}
