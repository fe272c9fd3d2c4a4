/**
 * Workers (and the scheduler, to validate submissions) read datasets from the object store once and
 * keep them on local disk by content hash: a sweep of 1,000 trials downloads its dataset once per
 * machine. Bytes are checked against their sha256 on download, so a corrupt object never trains.
 *
 * The local disk is a fault domain of its own: a cached file deleted behind our back is downloaded
 * again, and a disk that cannot be written (full, read-only, failing) raises LOCAL_IO — the worker's
 * fault, not the trial's — so the worker pauses instead of failing trial after trial. Temp files of
 * interrupted downloads are removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SweepqError } from '../errors/index.js';
import { datasetKey, Sha256Schema, type DatasetFormat } from '../schemas/sweep-context.schema.js';
import type { ObjectStore } from '../store/object-store.js';

/** SHA-256 of a file, streamed (a dataset of hundreds of MB is never held in memory). */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** errno codes that mean this machine's disk, not the trial or the network, is at fault. */
const LOCAL_IO_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EMFILE', 'ENFILE']);
/** How long a verified dataset file is trusted to still be on disk before it is looked at again. */
const RECHECK_MS = 1000;
/**
 * Age past which a download's temp file is a crash leftover. Workers on one machine share the cache:
 * a worker starting up must not delete the temp file another worker is still writing (a download
 * writes continuously, and its hash check takes seconds, not minutes).
 */
const STALE_TEMP_MS = 10 * 60_000;

/** A local file-system error as LOCAL_IO (passes other errors through). */
export function asLocalIoError(error: unknown, what: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && LOCAL_IO_CODES.has(code)) {
    return new SweepqError('LOCAL_IO', `${what}: ${code} (${(error as Error).message})`, { cause: error });
  }
  return error;
}

export class DatasetCache {
  private readonly pending = new Map<string, Promise<string>>();
  /**
   * Hashes this process has verified on disk → when the file was last seen there: later calls check
   * it is still there, at most once per {@link RECHECK_MS} (a stat per short trial was a measurable
   * part of its bookkeeping, issue 13).
   */
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly dir: string,
  ) {}

  /** Where the dataset with this hash is kept here, whether or not it has been downloaded yet. */
  fileOf(sha256: string, format: DatasetFormat = 'csv'): string {
    return path.join(this.dir, `${Sha256Schema.parse(sha256)}.${format}`);
  }

  /** Local path of the dataset with this hash, downloading it first if needed (or if its file vanished). */
  async localPath(sha256: string, format: DatasetFormat = 'csv'): Promise<string> {
    const file = this.fileOf(sha256, format);
    const seenAt = this.verified.get(sha256);
    if (seenAt !== undefined) {
      if (Date.now() - seenAt < RECHECK_MS) return file;
      if (await exists(file)) {
        this.verified.set(sha256, Date.now());
        return file;
      }
      // Deleted behind our back (a cleaner, an operator): fetch it again rather than fail the trial.
      this.verified.delete(sha256);
    }
    let pending = this.pending.get(sha256);
    if (!pending) {
      pending = this.download(sha256, format, file)
        .then((result) => {
          this.verified.set(sha256, Date.now());
          return result;
        })
        .finally(() => this.pending.delete(sha256));
      this.pending.set(sha256, pending);
    }
    return pending;
  }

  /** Removes temp files left by downloads a crash interrupted: those untouched for {@link STALE_TEMP_MS}. */
  async removeTempFiles(now = Date.now()): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!name.endsWith('.tmp')) continue;
      const temp = path.join(this.dir, name);
      const modified = await stat(temp).then(
        (info) => info.mtimeMs,
        () => now, // gone meanwhile: its download finished
      );
      if (now - modified < STALE_TEMP_MS) continue;
      await rm(temp, { force: true });
      removed++;
    }
    return removed;
  }

  /** Writes, reads back and removes a small file: true when this cache's disk works. */
  async selfCheck(): Promise<boolean> {
    const probe = path.join(this.dir, `.probe-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      const body = randomBytes(4096);
      await writeFile(probe, body);
      const back = await readFile(probe);
      return back.equals(body);
    } catch {
      return false;
    } finally {
      await rm(probe, { force: true }).catch(() => undefined);
    }
  }

  private async download(sha256: string, format: DatasetFormat, file: string): Promise<string> {
    const found = await stat(file).catch(() => null);
    if (found !== null && (await verifiedBefore(file, found))) return file;
    try {
      if ((await sha256OfFile(file)) === sha256) {
        if (found !== null) await markVerified(file, found);
        return file;
      }
    } catch {
      // not cached (or unreadable): fetch below
    }
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      try {
        await mkdir(this.dir, { recursive: true });
      } catch (error) {
        throw asLocalIoError(error, `cannot write the dataset cache in ${this.dir}`);
      }
      // Streamed to disk, then checked against its hash: a corrupt object never trains.
      await this.store.getToFile(datasetKey(sha256, format), temp).catch((error: unknown) => {
        throw asLocalIoError(error, `cannot write the dataset cache in ${this.dir}`);
      });
      if ((await sha256OfFile(temp)) !== sha256) {
        throw new SweepqError('INTERNAL', `dataset ${sha256} in the store does not match its hash; re-upload it`);
      }
      await rename(temp, file).catch((error: unknown) => {
        throw asLocalIoError(error, `cannot write the dataset cache in ${this.dir}`);
      });
      await markVerified(file, await stat(file));
    } finally {
      await rm(temp, { force: true }).catch(() => undefined);
    }
    return file;
  }
}

/**
 * `<file>.verified` holds the size, mtime and inode the file had when its bytes last matched their
 * hash. A fresh process finding them unchanged trusts the file without hashing it again: every worker
 * process used to hash the dataset before its first trial (~40 ms for 16 MB here, ~0.2–0.3 s on a
 * loaded machine), in parallel on every worker taking a part of a split trial, so it never halved. A
 * file rewritten or replaced behind our back has another stamp and is hashed again. Files under
 * {@link STAMPED_BYTES} hash in a millisecond or two: they get no stamp (creating a file can cost
 * more than that on a busy disk, and a trivial trial's start should not pay it).
 */
const STAMPED_BYTES = 1 << 20;

type FileStamp = { size: number; mtimeMs: number; ino: number };

function verifiedStamp(info: FileStamp): string {
  return `${info.size}:${info.mtimeMs}:${info.ino}`;
}

async function verifiedBefore(file: string, info: FileStamp): Promise<boolean> {
  if (info.size < STAMPED_BYTES) return false;
  try {
    return (await readFile(`${file}.verified`, 'utf8')) === verifiedStamp(info);
  } catch {
    return false;
  }
}

async function markVerified(file: string, info: FileStamp): Promise<void> {
  if (info.size < STAMPED_BYTES) return;
  try {
    await writeFile(`${file}.verified`, verifiedStamp(info));
  } catch {
    // Only speed is at stake: the next process hashes the file again.
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
