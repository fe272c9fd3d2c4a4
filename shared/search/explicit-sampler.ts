/**
 * The explicit `trials:` of a sweep file as a sampler: trial i of the list is proposal i, with its
 * entry being its position (each explicit trial names its own model and params).
 */
import type { ParamLiteral } from '../schemas/spec-scalars.schema.js';
import type { AskRequest, AskResult, Proposal, Sampler } from './sampler.js';

export interface ExplicitTrial {
  model: string;
  params: Record<string, unknown>;
  name?: string | undefined;
}

export class ExplicitSampler implements Sampler {
  readonly deterministic = true;

  constructor(private readonly trials: readonly ExplicitTrial[]) {}

  get size(): number {
    return this.trials.length;
  }

  ask(request: AskRequest): AskResult {
    const end = Math.min(this.trials.length, request.nextIndex + request.count);
    if (request.nextIndex >= end) return { kind: 'exhausted' };
    const proposals: Proposal[] = [];
    for (let i = request.nextIndex; i < end; i++) {
      const trial = this.trials[i]!;
      // Explicit params were validated against the model schema; they are JSON scalars.
      const proposal: Proposal = { entry: i, params: trial.params as Record<string, ParamLiteral> };
      if (trial.name !== undefined) proposal.name = trial.name;
      proposals.push(proposal);
    }
    return { kind: 'proposals', proposals };
  }
}
