/**
 * What a worker started early by `sweepq run` waits for (issue 13, fixed costs): `run` starts its first
 * worker before its Redis is up and before the sweep file is read, so the worker's start (node, its
 * training processes, BullMQ) overlaps the CLI's own; the CLI then sends the Redis URL and whether the
 * sweep runs programs over the IPC channel. Workers started so take the flag `--await-parent`; each
 * asks ({@link ORDERS_REQUEST}) once it listens, since a message sent before that would be lost.
 */
import { z } from 'zod';

export const AWAIT_PARENT_FLAG = '--await-parent';
/** Worker → parent: listening for the orders now. */
export const ORDERS_REQUEST = { awaitingOrders: true } as const;

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
