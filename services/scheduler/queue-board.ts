/**
 * bull-board at /admin/queues, for operators who know BullMQ: the trial queue's jobs, read-only — its
 * job actions (retry, promote, clean) would move jobs behind the fenced index's back and strand trials;
 * `sweepq retry`/`cancel` are the safe way. Behind a credential even on loopback (job payloads and
 * failure reasons are an operator's view).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const QUEUE_BOARD_PATH = '/admin/queues';

export async function registerQueueBoard(app: FastifyInstance, queue: Queue): Promise<void> {
  app.sweepqAuth.protectPrefix(QUEUE_BOARD_PATH, { role: 'read', sensitive: true });
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true })],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'sweepq queue' } },
  });
  await app.register(adapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
}
