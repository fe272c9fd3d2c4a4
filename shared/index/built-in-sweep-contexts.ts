/**
 * The feeder's per-process cache of built-in sweeps' contexts. A sweep's context never changes after
 * submit, so the fold-split planner, the block planner and the queue order read it from Redis once per
 * process, together, not once each.
 */
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import type { MetricsIndex } from './index.js';

const CONTEXT_CACHE_SIZE = 256;

export class BuiltInSweepContexts {
  /** null for sweeps without a built-in context: external (MLflow-logged), program, or gone. */
  private readonly contexts = new Map<string, SweepContext | null>();

  constructor(private readonly index: MetricsIndex) {}

  async get(sweepId: string): Promise<SweepContext | null> {
    const cached = this.contexts.get(sweepId);
    if (cached !== undefined) return cached;
    const context = (await this.index.sweeps.get(sweepId))?.context;
    const found = context === null || context === undefined || 'kind' in context ? null : context;
    // Oldest first out: a long-lived scheduler feeds many sweeps over its life.
    if (this.contexts.size >= CONTEXT_CACHE_SIZE) this.contexts.delete(this.contexts.keys().next().value!);
    this.contexts.set(sweepId, found);
    return found;
  }
}
