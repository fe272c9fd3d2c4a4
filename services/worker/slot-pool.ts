/**
 * The training slots of one worker, handed out first come, first served. A job taken ahead of time
 * (fetch-ahead, see fetch-ahead.ts) waits here for a slot before it claims its trial, so a trial is
 * claimed — and its duration starts — only when it can train at once. Waiters are told to hand their
 * job back when the worker stops instead of training it.
 */
import { SweepqError } from '../../shared/errors/index.js';
import type { TrainingSlot } from './training-slot.js';

interface Waiter {
  resolve(slot: TrainingSlot): void;
  reject(error: SweepqError): void;
}

export class SlotPool {
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(readonly slots: readonly TrainingSlot[]) {}

  /** Jobs waiting for a slot right now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * A reserved slot, now or when one frees up.
   * @throws SweepqError `CANCELLED` when the waiter is sent away (see {@link handBackWaiting}).
   */
  acquire(): Promise<TrainingSlot> {
    if (this.closed) return Promise.reject(new SweepqError('CANCELLED', 'worker shutting down'));
    const free = this.slots.find((slot) => slot.tryReserve());
    if (free !== undefined) return Promise.resolve(free);
    return new Promise<TrainingSlot>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Gives a reserved slot to the next waiter, or frees it. */
  release(slot: TrainingSlot): void {
    const next = this.waiters.shift();
    // Stays reserved: handed straight on, so no job taken meanwhile can slip in between.
    if (next !== undefined) next.resolve(slot);
    else slot.unreserve();
  }

  /** Sends every waiter away: its job goes back to the queue, for this or another worker. */
  handBackWaiting(reason = 'handed back to the queue'): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(new SweepqError('CANCELLED', reason));
  }

  /** Refuses new requests and sends every waiter away. */
  close(): void {
    this.closed = true;
    this.handBackWaiting('worker shutting down');
  }
}
