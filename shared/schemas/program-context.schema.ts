/**
 * What a program sweep stores as its sweep context (issue 14) and the pruner it may name, apart from
 * the sweep file's schemas (program-spec.schema.ts) so that a worker, which reads stored contexts
 * through the index (shared/index/sweep-records.ts) and never parses a sweep file, does not build
 * the program and built-in sweep spec schemas at every start (issue 13, fixed costs, round 4).
 */
import { z } from 'zod';
import { describeValue, strict } from './spec-messages.js';
import { Sha256Schema } from './sweep-context.schema.js';

const StepAmount = z.number().int().min(1).max(10_000_000);
const PRUNER_RULES = {
  /** The resource of a program trial: the step of its objective reports (epochs, iterations). */
  resource: z.literal('step', { error: 'a program trial is pruned by the step of its objective reports (resource: step, or leave it out)' }).default('step'),
  /** Step of the first rung. */
  min_resource: StepAmount,
  /** Keep the top 1/reduction_factor at each rung (ASHA); checks at min_resource · reduction_factor^k. Default 3. */
  reduction_factor: z.number().int().min(2).max(100).default(3),
  /** Step of the program's last report: sweepq cannot know how long a program runs. */
  max_resource: StepAmount.optional(),
};

/**
 * `search.pruner:` of a program sweep (issue 11's pruners over reported history): rungs at report
 * steps min_resource · reduction_factor^k below max_resource; the objective's value at each is judged
 * against the other trials' (ASHA) or the completed trials' median.
 */
export const ProgramPrunerSchema = z
  .discriminatedUnion(
    'method',
    [
      strict({ method: z.literal('asha'), ...PRUNER_RULES }),
      strict({ method: z.literal('median'), ...PRUNER_RULES, n_startup_trials: z.number().int().min(0).max(100_000).default(5) }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `pruner method ${describeValue((issue.input as { method?: unknown } | undefined)?.method)} is not known (use one of asha, median)`
          : undefined,
    },
  )
  .superRefine((pruner, ctx) => {
    if (pruner.max_resource === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_resource'],
        message: "a program sweep's pruner needs max_resource, the step of the program's last objective report (its epochs, say)",
      });
    } else if (pruner.max_resource <= pruner.min_resource) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_resource'],
        message: `max_resource ${pruner.max_resource} must be above min_resource ${pruner.min_resource} (or no trial is ever judged)`,
      });
    }
  })
  .transform((pruner) => ({ ...pruner, max_resource: pruner.max_resource! }));
export type ProgramPrunerSpec = z.output<typeof ProgramPrunerSchema>;

/** What every trial of a program sweep shares, stored as its sweep context. */
export const ProgramContextSchema = z.strictObject({
  v: z.literal(1),
  kind: z.literal('program'),
  program: z.strictObject({
    command: z.array(z.string()).min(1),
    env: z.record(z.string(), z.string()),
    workdir: z.string().nullable(),
    /** The uploaded bundle the program runs in (a copy per trial), or null. */
    bundle: Sha256Schema.nullable().default(null),
    /**
     * Address-space limit of the program in MB (RLIMIT_AS), only when the sweep sets limits.memory_mb:
     * some runtimes (CUDA, JAX) reserve far more address space than they use, so none is imposed by default.
     */
    memory_mb: z.number().int().min(64).nullable().default(null),
  }),
  limits: z.strictObject({ memory_mb: z.number().int().min(64), timeout_s: z.number().int().min(1) }),
  /** `search.pruner` of the sweep: judges each trial's objective reports by step. */
  pruner: ProgramPrunerSchema.optional(),
});
export type ProgramContext = z.infer<typeof ProgramContextSchema>;
