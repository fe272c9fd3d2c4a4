/**
 * The state-folder protocol: how processes share one local sweepq (`./.sweepq` by default) without a
 * REDIS_URL. The folder holds the embedded Redis' data, the local object store and `owner.json`, the
 * lock of the process that runs its Redis: `{pid, port, password, redisPid, startedAt}`, mode 0600.
 *
 * - A live owner (its pid alive, its Redis answering PING with the password) is attached to: Redis is
 *   never started twice on one folder.
 * - No owner, or a dead one: this process becomes the owner — it stops a redis-server its dead
 *   predecessor may have left running on the data, starts one on the same data with a fresh password,
 *   and writes the lock (created exclusively, so two processes racing for ownership cannot both win;
 *   the loser attaches to the winner).
 * - The owner releases the folder when done: Redis stopped, lock removed. Attached processes leave both.
 *
 * `sweepq run` owns the folder for the whole sweep; read commands (`status`, `trials`, …) attach to a
 * running one, or own it for the length of the command when nothing runs.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { SweepqError } from '../errors/index.js';
import { pingRedis, startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.js';

/**
 * What the owner is: `run` (a whole sweep: exclusive — a second run refuses), `server` (long-lived:
 * others attach) or `command` (a read command for a moment: runs and servers wait for it to finish).
 */
export const OWNER_ROLES = ['run', 'server', 'command'] as const;
export type OwnerRole = (typeof OWNER_ROLES)[number];

const OwnerSchema = z.object({
  pid: z.number().int().positive(),
  role: z.enum(OWNER_ROLES).default('command'),
  port: z.number().int().min(1).max(65_535),
  password: z.string().min(16),
  redisPid: z.number().int(),
  startedAt: z.number(),
});
export type StateFolderOwner = z.infer<typeof OwnerSchema>;

export interface OpenedStateFolder {
  /** Redis URL with the folder's password. */
  readonly url: string;
  /** True when this process started the Redis and holds the lock. */
  readonly owner: boolean;
  /** The owner's lock record. */
  readonly lock: StateFolderOwner;
  /** When this process took over from a dead owner: that owner's lock (its leftovers may need cancelling). */
  readonly replaced: StateFolderOwner | null;
  /** Owner: stops Redis and removes the lock. Attached: nothing. Idempotent. */
  release(): Promise<void>;
}

const HOST = '127.0.0.1';

export function ownerFile(stateDir: string): string {
  return path.join(stateDir, 'owner.json');
}

function urlOf(lock: StateFolderOwner): string {
  return `redis://:${encodeURIComponent(lock.password)}@${HOST}:${lock.port}`;
}

/** True when a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder's lock, or null when absent or unreadable. */
export async function readOwner(stateDir: string): Promise<StateFolderOwner | null> {
  let text: string;
  try {
    text = await readFile(ownerFile(stateDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = OwnerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The live owner of a folder (pid alive and its Redis answering), or null. */
export async function liveOwner(stateDir: string): Promise<StateFolderOwner | null> {
  const lock = await readOwner(stateDir);
  if (lock === null || !processAlive(lock.pid)) return null;
  return (await pingRedis(lock.port, HOST, 1000, lock.password)) ? lock : null;
}

/** The pid written in a lock, complete or provisional (claimed, Redis still starting). */
async function lockPid(stateDir: string): Promise<number | null> {
  try {
    const value = JSON.parse(await readFile(ownerFile(stateDir), 'utf8')) as { pid?: unknown };
    return typeof value.pid === 'number' ? value.pid : null;
  } catch {
    return null;
  }
}

/** How long a live owner may take to start its Redis (AOF replay of a large folder included). */
const OWNER_START_TIMEOUT_MS = 60_000;

/**
 * Opens a state folder: attaches to its live owner's Redis or becomes its owner.
 * @throws SweepqError INTERNAL when redis-server cannot be started or the owner never answers.
 */
export async function openStateFolder(
  stateDir: string,
  options: { logger?: Logger; role?: OwnerRole; onRedisSpawn?: () => void } = {},
): Promise<OpenedStateFolder> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await chmod(stateDir, 0o700).catch(() => undefined);
  const role = options.role ?? 'command';
  const deadline = Date.now() + OWNER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const live = await liveOwner(stateDir);
    if (live !== null) {
      if (role === 'run' && live.role === 'run') {
        throw new SweepqError(
          'CONFLICT',
          `the state folder ${stateDir} is in use by another \`sweepq run\` (pid ${live.pid}); wait for it to finish, or give this run a folder of its own (SWEEPQ_STATE_DIR=${stateDir}-2 sweepq run …); read commands such as \`sweepq status\` can attach meanwhile`,
        );
      }
      // A read command owns it for a moment and will stop its Redis when done: wait for it.
      if (role !== 'command' && live.role === 'command') {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      return attached(live);
    }
    const pid = await lockPid(stateDir);
    if (pid !== null && processAlive(pid)) {
      // A live owner whose Redis does not answer yet (this process included): it is starting, or
      // replaying its AOF.
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    // Dead or absent owner: clear its lock and take over, exclusively.
    const replaced = pid === null ? null : await readOwner(stateDir);
    if (pid !== null) await rm(ownerFile(stateDir), { force: true });
    const claimed = await claimLock(stateDir);
    if (claimed === null) continue;
    return becomeOwner(stateDir, claimed, role, replaced, options.logger, options.onRedisSpawn);
  }
  throw new SweepqError(
    'INTERNAL',
    `the owner of the state folder ${stateDir} (see ${ownerFile(stateDir)}) did not bring its Redis up within ${OWNER_START_TIMEOUT_MS / 1000} s; stop it, or remove the file if no sweepq runs there`,
  );
}

function attached(lock: StateFolderOwner): OpenedStateFolder {
  return { url: urlOf(lock), owner: false, lock, replaced: null, release: async () => undefined };
}

/** A provisional lock created with O_EXCL: only one process gets it. Returns its handle's path or null. */
async function claimLock(stateDir: string): Promise<string | null> {
  const file = ownerFile(stateDir);
  try {
    const handle = await open(file, 'wx', 0o600);
    // Provisional content: our pid, no port yet (readers see an unparsable lock and wait).
    await handle.writeFile(JSON.stringify({ pid: process.pid, claimedAt: Date.now() }));
    await handle.close();
    return file;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  }
}

async function becomeOwner(
  stateDir: string,
  file: string,
  role: OwnerRole,
  replaced: StateFolderOwner | null,
  logger: Logger | undefined,
  onRedisSpawn: (() => void) | undefined,
): Promise<OpenedStateFolder> {
  const password = randomBytes(24).toString('hex');
  let redis: EmbeddedRedis;
  try {
    // The owner's Redis dies with it (a parent-death signal): a killed owner leaves no Redis behind.
    redis = await startEmbeddedRedis({
      stateDir,
      password,
      stopWithParent: true,
      ...(logger === undefined ? {} : { logger }),
      ...(onRedisSpawn === undefined ? {} : { onSpawn: onRedisSpawn }),
    });
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  const lock: StateFolderOwner = { pid: process.pid, role, port: redis.port, password, redisPid: redis.pid, startedAt: Date.now() };
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  await handle.writeFile(JSON.stringify(lock));
  await handle.close();
  await rename(temp, file);
  let released: Promise<void> | undefined;
  return {
    url: redis.url,
    owner: true,
    lock,
    replaced,
    release: () => {
      released ??= (async () => {
        await redis.stop();
        const current = await readOwner(stateDir);
        if (current?.pid === process.pid) await rm(file, { force: true });
      })();
      return released;
    },
  };
}
