/**
 * The worker registry: every worker process writes a small hash (host, pid, slots, current trials,
 * last error) and its heartbeat time into a sorted set, refreshed every heartbeat. `status` lists the
 * workers seen within three heartbeats; entries of workers gone for longer are dropped when read, and
 * their hashes expire on their own.
 */
import type { Redis } from 'ioredis';
import { WorkerInfoSchema, type WorkerInfo } from '../schemas/worker.schema.js';
import type { IndexKeys } from './index-keys.js';
import { assertExecOk } from './redis-results.js';

/** A worker is gone when it missed this many heartbeats. */
const MISSED_HEARTBEATS = 3;

export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
    /** How often workers beat (ms). */
    readonly heartbeatMs: number,
  ) {}

  /** Writes a worker's registration and heartbeat. */
  async beat(info: WorkerInfo): Promise<void> {
    const ttlMs = this.heartbeatMs * MISSED_HEARTBEATS;
    await this.redis
      .multi()
      .set(this.keys.worker(info.id), JSON.stringify(info), 'PX', ttlMs)
      .zadd(this.keys.workers(), info.heartbeatAt, info.id)
      .exec()
      .then(assertExecOk);
  }

  /** Removes a worker that shut down cleanly. */
  async remove(workerId: string): Promise<void> {
    await this.redis.multi().del(this.keys.worker(workerId)).zrem(this.keys.workers(), workerId).exec().then(assertExecOk);
  }

  /** Live workers, most recent heartbeat first. */
  async list(now = Date.now()): Promise<WorkerInfo[]> {
    const cutoff = now - this.heartbeatMs * MISSED_HEARTBEATS;
    await this.redis.zremrangebyscore(this.keys.workers(), '-inf', `(${cutoff}`);
    const ids = await this.redis.zrevrange(this.keys.workers(), 0, 999);
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(...ids.map((id) => this.keys.worker(id)));
    const out: WorkerInfo[] = [];
    for (const text of texts) {
      if (text === null) continue;
      const parsed = WorkerInfoSchema.safeParse(JSON.parse(text));
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }
}
