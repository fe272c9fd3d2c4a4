/**
 * Workers (and the scheduler, to validate submissions) read datasets from the object store once and
 * keep them on local disk by content hash: a sweep of 1,000 trials downloads its dataset once per
 * machine. Bytes are checked against their sha256 on download, so a corrupt object never trains.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SweepqError } from '../errors/index.js';
import { datasetKey, Sha256Schema } from '../schemas/sweep-context.schema.js';
import type { ObjectStore } from '../store/object-store.js';

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class DatasetCache {
  private readonly pending = new Map<string, Promise<string>>();
  /** Hashes already verified on disk by this process: later calls skip the re-read. */
  private readonly verified = new Set<string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly dir: string,
  ) {}

  /** Local path of the dataset with this hash, downloading it first if needed. */
  async localPath(sha256: string): Promise<string> {
    Sha256Schema.parse(sha256);
    const file = path.join(this.dir, `${sha256}.csv`);
    if (this.verified.has(sha256)) return file;
    let pending = this.pending.get(sha256);
    if (!pending) {
      pending = this.download(sha256, file)
        .then((result) => {
          this.verified.add(sha256);
          return result;
        })
        .finally(() => this.pending.delete(sha256));
      this.pending.set(sha256, pending);
    }
    return pending;
  }

  async readText(sha256: string): Promise<string> {
    return readFile(await this.localPath(sha256), 'utf8');
  }

  private async download(sha256: string, file: string): Promise<string> {
    try {
      await readFile(file, { flag: 'r' }).then((bytes) => {
        if (sha256Hex(bytes) !== sha256) throw new Error('stale cache entry');
      });
      return file;
    } catch {
      // not cached (or corrupt): fetch below
    }
    const bytes = await this.store.get(datasetKey(sha256));
    if (sha256Hex(bytes) !== sha256) {
      throw new SweepqError('INTERNAL', `dataset ${sha256} in the store does not match its hash; re-upload it`);
    }
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, file);
    return file;
  }
}
