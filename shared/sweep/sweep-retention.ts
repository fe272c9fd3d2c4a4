/**
 * The retention pass: every `intervalMs`, the scheduler holding the retention lock deletes sweeps that
 * finished more than `retentionDays` ago (a bounded batch per pass) and finishes deletions cut short.
 * With several schedulers on one Redis, the lock makes exactly one of them act.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger/logger.js';
import type { SweepDeletion, DeletionReport } from './sweep-deletion.js';

/** Most sweeps one pass deletes; the next pass continues. */
const BATCH = 100;
const DAY_MS = 86_400_000;

export interface RetentionOptions {
  retentionDays: number;
  intervalMs: number;
  logger: Logger;
}

export class SweepRetention {
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly deletion: SweepDeletion,
    private readonly redis: import('ioredis').Redis,
    private readonly lockKey: string,
    private readonly options: RetentionOptions,
  ) {}

  /** Starts the periodic pass; does nothing when retention is off (0 days). */
  start(): void {
    if (this.timer !== null || this.options.retentionDays <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'retention pass failed; the next one retries'))
        .finally(() => {
          this.running = null;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass if this process wins the lock (held for the pass, at most 3 intervals); null otherwise. */
  async runOnce(now = Date.now()): Promise<DeletionReport[] | null> {
    const won = await this.redis.set(this.lockKey, this.holder, 'PX', this.options.intervalMs * 3, 'NX');
    if (won !== 'OK') return null;
    try {
      const reports = await this.deletion.expire(now - this.options.retentionDays * DAY_MS, BATCH);
      if (reports.length > 0) this.options.logger.info({ deleted: reports.length, retentionDays: this.options.retentionDays }, 'retention deleted old sweeps');
      return reports;
    } finally {
      await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, this.lockKey, this.holder);
    }
  }
}
