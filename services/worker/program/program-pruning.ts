/**
 * Early stopping of program trials (issue 14 with issue 11's pruners): the resource is the step of
 * the objective's reports (epochs, iterations). When a report of the objective reaches a rung's step,
 * its value is the trial's value at that rung and goes to the same {@link PrunerClient} built-in
 * trials use (rung state in Redis, ASHA or the median rule); a `stop` verdict stops the program's
 * whole process tree and the trial ends `pruned`, its reported history kept.
 *
 * Reports arrive faster than Redis answers: verdicts are asked one at a time, in step order, and a
 * report that jumps past several rungs is judged at the highest of them only (its value says
 * nothing about the steps it skipped).
 */
import type { RungScores } from '../../../shared/ml/cross-validate-by-stages.js';
import type { Goal } from '../../../shared/metrics/metric-registry.js';
import type { ProgramPrunerSpec } from '../../../shared/schemas/program-spec.schema.js';
import { PrunerClient, type TrialPruning } from '../../../shared/sweep/pruner-client.js';
import type { MetricReport } from './metric-report.js';

export interface ProgramPruningPlan {
  client: PrunerClient;
  sweepId: string;
  index: number;
  spec: ProgramPrunerSpec;
  objective: { metric: string; goal: Goal };
}

export class ProgramPruning {
  /** Rungs judged so far, in order (recorded for the median rule when the trial completes). */
  readonly history: RungScores[] = [];
  /** Why the pruner stopped the trial, once it has. */
  stopped: string | null = null;
  private readonly trial: TrialPruning;
  private readonly rungs: number[];
  private next = 0;
  private verdicts: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  /** @param onStop stops the program (called once, with the pruner's explanation). */
  constructor(
    private readonly plan: ProgramPruningPlan,
    private readonly onStop: (explanation: string) => void,
  ) {
    // A program's length is not known in advance: max_resource (required for programs) is its last step.
    const maxResource = plan.spec.max_resource;
    this.trial = { sweepId: plan.sweepId, index: plan.index, spec: plan.spec, goal: plan.objective.goal, maxResource };
    this.rungs = PrunerClient.rungResources(plan.spec, maxResource);
  }

  /** Watches every recorded report; the objective's are judged when they reach a rung. */
  observe(report: MetricReport, step: number): void {
    if (report.metric !== this.plan.objective.metric || this.stopped !== null) return;
    let rung = -1;
    while (this.next < this.rungs.length && this.rungs[this.next]! <= step) rung = this.next++;
    if (rung < 0) return;
    const scores: RungScores = { resource: this.rungs[rung]!, mean: report.value ?? Number.NaN, folds: [] };
    this.history.push(scores);
    const history = this.history.slice();
    this.verdicts = this.verdicts
      .then(async () => {
        if (this.stopped !== null) return;
        const verdict = await this.plan.client.judge(this.trial, scores, history);
        if (verdict.action === 'stop' && this.stopped === null) {
          this.stopped = verdict.explanation;
          this.onStop(verdict.explanation);
        }
      })
      .catch((error: unknown) => {
        // Kept for settled(): a rejection left in the chain would be unhandled until the program ends.
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      });
  }

  /** Waits for the verdicts asked so far. A Redis failure fails the attempt (retried), never silently skips pruning. */
  async settled(): Promise<void> {
    await this.verdicts;
    if (this.failure !== null) throw this.failure;
  }

  /** Copies a completed trial's rung values where the median rule reads them. */
  recordCompleted(): Promise<void> {
    return this.plan.client.recordCompleted(this.plan.sweepId, this.plan.index, this.history);
  }
}
