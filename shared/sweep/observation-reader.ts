/**
 * What an adaptive sampler sees of a sweep: its finished trials (observations) and its created but
 * unfinished ones (pending), read from the completion log incrementally — each process keeps the log
 * position it has read up to, so asking again costs only the new events, never a scan of trial hashes.
 */
import type { LogEvent, MetricsIndex } from '../index/index.js';
import type { Observation, PendingTrial } from '../search/sampler.js';
import type { Segment } from '../search/search-segment.js';
import type { ParamLiteral } from '../schemas/spec-scalars.schema.js';
import type { FinishedTrial } from './stop-rules.js';

interface SweepObservations {
  /** Log events read so far. */
  offset: number;
  /** Latest terminal event per trial index (a retried trial's earlier result is replaced). */
  finished: Map<number, LogEvent>;
}

const CACHE_SIZE = 64;

export class ObservationReader {
  private readonly sweeps = new Map<string, SweepObservations>();

  constructor(private readonly index: MetricsIndex) {}

  /**
   * The finished trials of a segment (index order, valued by `metric`) and its created, unfinished
   * ones below `created`, from ONE read of the log: a trial finishing between two reads would be in
   * neither set, and the sampler could propose its point again.
   */
  async snapshot(sweepId: string, segment: Segment, metric: string, created: number): Promise<{ observations: Observation[]; pending: PendingTrial[] }> {
    const state = await this.refresh(sweepId);
    const observations: Observation[] = [];
    const end = segment.start + segment.size;
    const indices = [...state.finished.keys()].filter((i) => i >= segment.start && i < end).sort((a, b) => a - b);
    for (const i of indices) {
      const event = state.finished.get(i)!;
      const value = event.m?.[metric];
      observations.push({
        entry: event.e ?? 0,
        params: (event.p ?? {}) as Record<string, ParamLiteral>,
        value: typeof value === 'number' && Number.isFinite(value) ? value : null,
        status: event.s as Observation['status'],
      });
    }
    const open: number[] = [];
    for (let i = segment.start; i < Math.min(created, end); i++) if (!state.finished.has(i)) open.push(i);
    const definitions = await this.index.trials.definitions(sweepId, open);
    const pending: PendingTrial[] = [];
    for (const d of definitions) if (d !== null) pending.push({ entry: d.entry, params: d.params as Record<string, ParamLiteral> });
    return { observations, pending };
  }

  /** Every finished trial of the sweep (index order) with its `metric` value (null when it has none). */
  async finished(sweepId: string, metric: string): Promise<FinishedTrial[]> {
    const state = await this.refresh(sweepId);
    const indices = [...state.finished.keys()].sort((a, b) => a - b);
    const out: FinishedTrial[] = [];
    for (const i of indices) {
      const event = state.finished.get(i)!;
      if (event.s === 'cancelled') continue;
      const value = event.s === 'completed' ? event.m?.[metric] : undefined;
      out.push({ index: i, value: typeof value === 'number' && Number.isFinite(value) ? value : null });
    }
    return out;
  }

  private async refresh(sweepId: string): Promise<SweepObservations> {
    let state = this.sweeps.get(sweepId);
    if (state === undefined) {
      state = { offset: 0, finished: new Map() };
      if (this.sweeps.size >= CACHE_SIZE) this.sweeps.delete(this.sweeps.keys().next().value!);
      this.sweeps.set(sweepId, state);
    }
    const events = await this.index.log.readAll(sweepId, state.offset);
    for (const event of events) {
      // Claims and data events (tags, MLflow-logged values) are not results.
      if (event.s === 'active' || event.u !== undefined) continue;
      if (event.s === 'queued') state.finished.delete(event.i);
      else state.finished.set(event.i, event);
    }
    state.offset += events.length;
    return state;
  }
}
