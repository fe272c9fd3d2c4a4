/**
 * A program trial's run as the trial page and `sweepq trial` show it (issue 14 item 2): the command it
 * ran, how it ended, its output tails and each reported metric's history.
 * `GET /sweeps/:id/trials/:trialId/program` serves it.
 */
import { z } from 'zod';
import { ProgramEndReasonSchema, TrialIdSchema, TrialStatusSchema } from './trial.schema.js';

export const ProgramRunSchema = z.object({
  trialId: TrialIdSchema,
  status: TrialStatusSchema,
  /** The sweep's objective metric (the history the page shows first). */
  objective: z.string(),
  /** The command with the trial's params filled in, as the worker ran it; null when it cannot be rendered. */
  command: z.array(z.string()).nullable(),
  /** The program's exit code; null while it runs, when a signal ended it, or when it never started. */
  exitCode: z.number().int().nullable(),
  /** The signal that ended the program (`SIGKILL`), when one did. */
  signal: z.string().nullable(),
  durationMs: z.number().nullable(),
  /**
   * The tails of its output (bounded). Null when there is no run record: the program never ran, or the
   * trial failed under a version that kept no record (its error then quotes what was kept).
   */
  stdout: z.string().nullable(),
  stderr: z.string().nullable(),
  /** Why the run ended without a result (see ProgramEndReasonSchema); null when it ended well or there is no record. */
  reason: ProgramEndReasonSchema.nullable(),
  /** The trial's error, or null. */
  failure: z.string().nullable(),
  /** Each reported metric's history as `[step, value]` pairs (bounded), as in the trial record. */
  history: z.record(z.string(), z.array(z.tuple([z.number(), z.number().nullable()]))),
  /** Report-like stdout lines that were not valid reports, and the first one's reason. */
  invalidReports: z.number().int(),
  firstInvalidReport: z.string().nullable(),
});
export type ProgramRun = z.infer<typeof ProgramRunSchema>;
