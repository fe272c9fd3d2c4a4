/**
 * Live sweep status for browsers over server-sent events, without a polling storm: however many pages
 * watch a sweep, the scheduler reads its status once per interval (one shared poll per watched sweep,
 * stopped when the last page leaves) and pushes it only when it changed. A finished sweep is sent once
 * and then only kept alive.
 */
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';

type Listener = (event: string, data: string) => void;

interface Watch {
  listeners: Set<Listener>;
  last: string | null;
  timer: NodeJS.Timeout | null;
  finished: boolean;
}

export interface SweepEventHubOptions {
  /** Reads a sweep's status (the service's, or the API's cache). */
  status(sweepId: string): Promise<SweepStatus>;
  /** Poll interval while a sweep runs (ms). */
  intervalMs: number;
  onError(sweepId: string, error: unknown): void;
}

export class SweepEventHub {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly options: SweepEventHubOptions) {}

  /** Starts sending `status` events for `sweepId` to `listener` (the current one at once); returns the unsubscribe function. */
  subscribe(sweepId: string, listener: Listener): () => void {
    let watch = this.watches.get(sweepId);
    if (watch === undefined) {
      watch = { listeners: new Set(), last: null, timer: null, finished: false };
      this.watches.set(sweepId, watch);
      this.schedule(sweepId, watch, 0);
    } else if (watch.last !== null) {
      listener('status', watch.last);
    }
    watch.listeners.add(listener);
    const current = watch;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size > 0) return;
      if (current.timer !== null) clearTimeout(current.timer);
      if (this.watches.get(sweepId) === current) this.watches.delete(sweepId);
    };
  }

  /** Stops every poll (server shutdown). */
  close(): void {
    for (const watch of this.watches.values()) if (watch.timer !== null) clearTimeout(watch.timer);
    this.watches.clear();
  }

  private schedule(sweepId: string, watch: Watch, delayMs: number): void {
    watch.timer = setTimeout(() => void this.poll(sweepId, watch), delayMs);
    watch.timer.unref();
  }

  private async poll(sweepId: string, watch: Watch): Promise<void> {
    watch.timer = null;
    try {
      const status = await this.options.status(sweepId);
      // elapsedMs ticks every poll while running; it counts as a change (the page shows it).
      const text = JSON.stringify(status);
      if (text !== watch.last) {
        watch.last = text;
        for (const listener of watch.listeners) listener('status', text);
      }
      watch.finished = status.state === 'completed' || status.state === 'cancelled';
    } catch (error) {
      this.options.onError(sweepId, error);
    }
    if (this.watches.get(sweepId) !== watch) return;
    // A finished sweep changes only by retry or extend: look again now and then.
    this.schedule(sweepId, watch, watch.finished ? this.options.intervalMs * 5 : this.options.intervalMs);
  }
}
