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
import { SweepqError } from '../../shared/errors/index.js';
import { sendError } from './error-handler.js';

export const QUEUE_BOARD_PATH = '/admin/queues';
const READ_ONLY_MESSAGE =
  'the queue board is read-only: its job actions would move trials behind the index; use sweepq retry / sweepq cancel (or the sweep page buttons)';

export async function registerQueueBoard(app: FastifyInstance, queue: Queue): Promise<void> {
  app.sweepqAuth.protectPrefix(QUEUE_BOARD_PATH, { role: 'read', sensitive: true });
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true })],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'sweepq queue' } },
  });
  await app.register(
    async (board) => {
      // readOnlyMode alone is not enough: bull-board's pause-all/resume-all answer 200 (skipping
      // read-only queues) and a future route may forget the check. Only reads reach the board.
      board.addHook('onRequest', async (request, reply) => {
        if (request.method === 'GET' || request.method === 'HEAD') return;
        await sendError(reply, new SweepqError('FORBIDDEN', READ_ONLY_MESSAGE));
        return reply;
      });
      await board.register(adapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
