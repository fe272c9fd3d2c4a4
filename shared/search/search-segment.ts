/**
 * A segment is one block of a sweep's planned trials: the explicit `trials:` of a sweep file, or its
 * `search:`. A submit appends one or two segments, each `extend` more; together they address every
 * trial index of the sweep without materialising a single trial. The feeder turns a range of indices
 * into trials through the segment's sampler when the queue needs them.
 *
 * Segments are stored in Redis as JSON and parsed back at that trust boundary with
 * {@link SegmentSchema}.
 */
import { z } from 'zod';
import { TrialModelNameSchema, type TrialModelName } from '../schemas/trial-model-name.schema.js';
import type { SearchSpaceEntry } from '../schemas/search-space.schema.js';
import { TpeSpecSchema } from '../schemas/search-strategy.schema.js';
import { ParamLiteralSchema } from '../schemas/spec-scalars.schema.js';
import { ExplicitSampler } from './explicit-sampler.js';
import { GridSampler } from './grid-sampler.js';
import { RandomSampler } from './random-sampler.js';
import { TpeSampler } from './tpe/index.js';
import type { Sampler } from './sampler.js';

const SpaceSchema = z.array(z.object({ model: TrialModelNameSchema, params: z.record(z.string(), z.unknown()) })).min(1);

/** A segment as planned at submit, before it is given its first index. */
export const SegmentPlanSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('explicit'),
    size: z.number().int().min(0),
    /** Seed of the spec the segment came from: trial seeds derive from it. */
    seed: z.number().int(),
    trials: z.array(z.object({ model: TrialModelNameSchema, params: z.record(z.string(), z.unknown()), name: z.string().optional() })),
  }),
  z.object({ kind: z.literal('grid'), size: z.number().int().min(0), seed: z.number().int(), space: SpaceSchema }),
  z.object({
    kind: z.literal('tpe'),
    size: z.number().int().min(0),
    seed: z.number().int(),
    searchSeed: z.number().int(),
    maxTrials: z.number().int().min(1),
    space: SpaceSchema,
    /** search.tpe as written (validated by the sweep-spec schema; defaults filled by the sampler). */
    tpe: TpeSpecSchema.optional(),
    /** search.warm_start: completed trials of earlier sweeps, mapped onto this space, observed before this segment's own. */
    warm: z.array(z.object({ entry: z.number().int().min(0), params: z.record(z.string(), ParamLiteralSchema), value: z.number() })).optional(),
  }),
  z.object({
    kind: z.literal('random'),
    size: z.number().int().min(0),
    seed: z.number().int(),
    /** search.seed, or the sweep seed. */
    searchSeed: z.number().int(),
    maxTrials: z.number().int().min(1),
    space: SpaceSchema,
  }),
]);
export type SegmentPlan = z.infer<typeof SegmentPlanSchema>;

/** A stored segment: a plan and the first trial index it covers. */
export const SegmentSchema = z.intersection(SegmentPlanSchema, z.object({ start: z.number().int().min(0) }));
export type Segment = z.infer<typeof SegmentSchema>;

/** The sampler that proposes a segment's trials (its proposal k is trial `start + k`). */
export function samplerFor(segment: SegmentPlan): Sampler {
  switch (segment.kind) {
    case 'explicit':
      return new ExplicitSampler(segment.trials);
    case 'grid':
      // The space was validated by the sweep-spec schema before the segment was stored.
      return new GridSampler(segment.space as SearchSpaceEntry[]);
    case 'random':
      return new RandomSampler(segment.space as SearchSpaceEntry[], segment.maxTrials, segment.searchSeed);
    case 'tpe':
      return new TpeSampler(segment.space as SearchSpaceEntry[], segment.tpe ?? {}, segment.maxTrials);
  }
}

/** The seed a segment's sampler is asked with: the search seed, or the spec seed for explicit trials and grids. */
export function askSeedOf(segment: SegmentPlan): number {
  return segment.kind === 'random' || segment.kind === 'tpe' ? segment.searchSeed : segment.seed;
}

/** The model of entry `entry` of a segment. */
export function modelOf(segment: SegmentPlan, entry: number): TrialModelName {
  const source = segment.kind === 'explicit' ? segment.trials[entry] : segment.space[entry];
  if (source === undefined) throw new RangeError(`segment has no entry ${entry}`);
  return source.model;
}

/** The segment holding trial `index`, by binary search over segments in start order; undefined past the end. */
export function segmentAt(segments: readonly Segment[], index: number): { segment: Segment; position: number } | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (index < s.start) hi = mid - 1;
    else if (index >= s.start + s.size) lo = mid + 1;
    else return { segment: s, position: mid };
  }
  return undefined;
}
