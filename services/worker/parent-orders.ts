/**
 * What a worker started early by `sweepq run` waits for (issue 13, fixed costs): `run` starts its first
 * worker before its Redis is up and before the sweep file is read, so the worker's start (node, its
 * training processes, BullMQ) overlaps the CLI's own; the CLI then sends the Redis URL and whether the
 * sweep runs programs over the IPC channel. Workers started so take the flag `--await-parent`; each
 * asks ({@link ORDERS_REQUEST}) once it listens, since a message sent before that would be lost.
 * While they run they tell the CLI when a job of theirs ended ({@link JobEndedNotice}), so it reads
 * the sweep's status at once instead of at its next poll; once closed they say so
 * ({@link WORKER_CLOSED}), so the CLI stops Redis while their processes exit.
 */
import { z } from 'zod';

import { AWAIT_PARENT_FLAG } from './await-parent-flag.js';

export { AWAIT_PARENT_FLAG };
/** Worker → parent: listening for the orders now. */
export const ORDERS_REQUEST = { awaitingOrders: true } as const;

/** Worker → parent: a job of this sweep ended (a trial, or a block's last trial, was recorded). */
export interface JobEndedNotice {
  jobEnded: string;
}

/** The sweep id of a {@link JobEndedNotice}, or undefined for any other message. */
export function jobEndedSweepId(message: unknown): string | undefined {
  const sweepId = (message as Partial<JobEndedNotice> | null)?.jobEnded;
  return typeof sweepId === 'string' ? sweepId : undefined;
}

/** Tells the parent that a job of `sweepId` ended; nothing when the channel is gone (the parent exited). */
export function notifyParentJobEnded(sweepId: string): void {
  const notice: JobEndedNotice = { jobEnded: sweepId };
  if (process.connected) process.send?.(notice, undefined, {}, () => undefined);
}

/**
 * Worker → parent: closed. It has stopped taking jobs, its trials have ended or gone back to the queue
 * and its Redis connections are quit: the run's Redis may stop now, while this process exits (its log
 * flush and node's own teardown took ~15–30 ms of a run's end, issue 13 item 3, round 6).
 */
export const WORKER_CLOSED = { workerClosed: true } as const;

/** True for a {@link WORKER_CLOSED} notice. */
export function isWorkerClosedNotice(message: unknown): boolean {
  return (message as Partial<typeof WORKER_CLOSED> | null)?.workerClosed === true;
}

/** Tells the parent that this worker has closed; resolves once sent, or at once when the channel is gone. */
export function notifyParentClosed(): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) resolve();
    else process.send(WORKER_CLOSED, undefined, {}, () => resolve());
  });
}

const ParentOrdersSchema = z.object({ redisUrl: z.string().min(1), programs: z.boolean() });
export type ParentOrders = z.infer<typeof ParentOrdersSchema>;

/** Resolves with the parent's orders; rejects when the parent goes away first (the run ended or died). */
export function awaitParentOrders(): Promise<ParentOrders> {
  return new Promise<ParentOrders>((resolve, reject) => {
    if (!process.connected) {
      reject(new Error(`${AWAIT_PARENT_FLAG} needs an IPC channel to the parent (it is set by \`sweepq run\`)`));
      return;
    }
    const onMessage = (message: unknown): void => {
      const parsed = ParentOrdersSchema.safeParse(message);
      if (!parsed.success) return;
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      resolve(parsed.data);
    };
    const onDisconnect = (): void => {
      process.off('message', onMessage);
      reject(new Error('the parent exited before it sent the Redis address'));
    };
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
    process.send?.(ORDERS_REQUEST);
  });
}
