/** A worker as the worker registry reports it (`sweepq status --json`, `GET /workers`). */
import { z } from 'zod';

export const WorkerInfoSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** Trials it trains at once. */
  slots: z.number().int(),
  /** Ids of the trials it is training now. */
  current: z.array(z.string()),
  startedAt: z.number(),
  /** Last heartbeat (ms since the epoch); a worker silent for 3 heartbeat intervals is gone. */
  heartbeatAt: z.number(),
  /** `paused`: it stopped taking jobs after a local fault (full or failing disk) and retries later. */
  health: z.enum(['ok', 'paused']).default('ok'),
  lastError: z.string().nullable(),
  lastErrorAt: z.number().nullable(),
  /** Trials it finished (any outcome) since it started. */
  finished: z.number().int(),
});
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;
