/**
 * ObjectStore on a local folder: `<rootDir>/<key>`. Used when no S3 endpoint is configured (single
 * machine: scheduler and workers share the disk). Writes are atomic and durable: temp file in the same
 * directory → fsync → rename, so a crash never leaves a half-written artefact under its final name.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SweepqError } from '../errors/index.js';
import { assertObjectKey } from './object-key.js';
import type { GroupObject, ObjectStore, PutOptions } from './object-store.js';

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** ENOTDIR: a path component is a file (key `a` exists and `a/b` is asked for); the object is absent. */
const MISSING_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;
  readonly rootDir: string;
  /** Folders whose own name this process has made durable in their parent (see syncNames). */
  private readonly durableFolders = new Set<string>();

  /** @param rootDir folder holding the objects; made absolute, created by {@link ensureReady}. */
  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  async ensureReady(): Promise<void> {
    await this.wrap('prepare', this.rootDir, () => mkdir(this.rootDir, { recursive: true }));
  }

  async put(key: string, body: Buffer | string, options?: PutOptions): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    const durable = options?.durable ?? true;
    if (options?.fresh === true) {
      // Short trials write two small files each (issue 13): in place is half the file-system calls
      // of temp → fsync → rename → fsync of the folder.
      await this.wrap('put', key, async () => {
        await writeInPlace(target, body, durable);
        if (durable) await this.syncNames([dir]);
      });
      return;
    }
    const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    await this.wrap('put', key, async () => {
      await mkdir(dir, { recursive: true });
      const handle = await open(temp, 'w', 0o644);
      try {
        await handle.writeFile(body);
        if (durable) await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      if (durable) await this.syncNames([dir]);
    });
  }

  async putGroup(objects: readonly GroupObject[]): Promise<void> {
    if (objects.length === 0) return;
    const targets = objects.map((o) => this.pathOf(o.key));
    await this.wrap('put', objects.length === 1 ? objects[0]!.key : `${objects.length} objects (${objects[0]!.key}, …)`, async () => {
      // The group's small new files are made, written and closed on this thread — page-cache work of
      // microseconds each — so only the fsyncs, which wait for the disk, go to libuv's pool: a pool
      // round trip (two futex wake-ups and an event-loop wake-up) cost more CPU than a small write,
      // and a trivial trial made eleven of them (issue 13 item 4, measured with strace -c).
      const made = new Set<string>();
      const durable: number[] = [];
      try {
        for (let i = 0; i < objects.length; i++) {
          const o = objects[i]!;
          const dir = path.dirname(targets[i]!);
          if (!made.has(dir)) {
            fs.mkdirSync(dir, { recursive: true });
            made.add(dir);
          }
          const fd = fs.openSync(targets[i]!, 'w', 0o644);
          if (o.durable !== false) durable.push(fd);
          try {
            writeAllSync(fd, typeof o.body === 'string' ? Buffer.from(o.body) : o.body);
          } finally {
            if (o.durable === false) fs.closeSync(fd);
          }
        }
        // Side by side: the file system commits the group's fsyncs together.
        await Promise.all(durable.map((fd) => fdSync(fd)));
      } finally {
        for (const fd of durable) fs.closeSync(fd);
      }
      // The new names in their folders (a group's artefacts share their sweep's folder: one fsync).
      const folders = new Set<string>();
      for (let i = 0; i < objects.length; i++) if (objects[i]!.durable !== false) folders.add(path.dirname(targets[i]!));
      await this.syncNames(folders);
    });
  }

  /**
   * Makes the names in `folders` durable: each folder's fsync, and — once per folder and process —
   * the fsyncs of its parents up to the root, so a folder made by this or an earlier write (even one
   * that failed before its sync) is itself durable in its parent. Before, each write synced its folder
   * and the folder's parent every time: for a trial's artefacts in a folder of their own that was a
   * mkdir and two folder fsyncs per trial (issue 13 item 4).
   */
  private async syncNames(folders: Iterable<string>): Promise<void> {
    const dirs = new Set<string>();
    const chained: string[] = [];
    for (const folder of folders) {
      dirs.add(folder);
      for (let d = folder; d !== this.rootDir && !this.durableFolders.has(d) && d.startsWith(this.rootDir); d = path.dirname(d)) {
        dirs.add(path.dirname(d));
        chained.push(d);
      }
    }
    await Promise.all([...dirs].map((d) => syncDirectoryFromHere(d)));
    for (const d of chained) this.durableFolders.add(d);
  }

  async putFile(key: string, file: string, _options?: PutOptions): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    await this.wrap('put', key, async () => {
      await mkdir(dir, { recursive: true });
      try {
        await copyFile(file, temp);
        const handle = await open(temp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await this.syncNames([dir]);
    });
  }

  async getToFile(key: string, file: string): Promise<void> {
    const source = this.pathOf(key);
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await copyFile(source, temp);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      const code = errnoCode(error);
      if (code !== undefined && MISSING_CODES.has(code) && !(await this.exists(key))) throw new SweepqError('NOT_FOUND', `Object not found: ${key}`);
      throw error;
    }
  }

  async get(key: string): Promise<Buffer> {
    const file = this.pathOf(key);
    try {
      return await readFile(file);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== undefined && MISSING_CODES.has(code)) throw new SweepqError('NOT_FOUND', `Object not found: ${key}`);
      throw new SweepqError('STORE_UNAVAILABLE', `Local store could not read ${key}`, { cause: error });
    }
  }

  async exists(key: string): Promise<boolean> {
    const file = this.pathOf(key);
    try {
      return (await stat(file)).isFile();
    } catch (error) {
      const code = errnoCode(error);
      if (code !== undefined && MISSING_CODES.has(code)) return false;
      throw new SweepqError('STORE_UNAVAILABLE', `Local store could not stat ${key}`, { cause: error });
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      if (!info.isFile()) return;
      await rm(file, { force: true });
    } catch (error) {
      const code = errnoCode(error);
      if (code !== undefined && MISSING_CODES.has(code)) return;
      throw new SweepqError('STORE_UNAVAILABLE', `Local store could not delete ${key}`, { cause: error });
    }
  }

  async deleteFolder(folder: string): Promise<number> {
    const dir = this.pathOf(folder);
    return this.wrap('delete', `${folder}/`, async () => {
      let entries: string[];
      try {
        entries = await readdir(dir, { recursive: true });
      } catch (error) {
        const code = errnoCode(error);
        if (code !== undefined && MISSING_CODES.has(code)) return 0;
        throw error;
      }
      let objects = 0;
      for (const entry of entries) {
        // Temp files of writes in flight are not objects; directories are counted through their files.
        if (path.basename(entry).startsWith('.')) continue;
        if ((await stat(path.join(dir, entry)).catch(() => null))?.isFile() === true) objects++;
      }
      await rm(dir, { recursive: true, force: true });
      for (const known of this.durableFolders) if (known === dir || known.startsWith(`${dir}${path.sep}`)) this.durableFolders.delete(known);
      return objects;
    });
  }

  /** Validates the key, then joins it under rootDir (the check makes escaping rootDir impossible). */
  private pathOf(key: string): string {
    assertObjectKey(key);
    return path.join(this.rootDir, ...key.split('/'));
  }

  private async wrap<T>(operation: string, what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof SweepqError) throw error;
      const code = errnoCode(error);
      if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
        // Keys `a` and `a/b` cannot both exist as files; S3 allows it, a folder cannot.
        throw new SweepqError('CONFLICT', `Local store cannot ${operation} ${what}: a key is both an object and a prefix`, { cause: error });
      }
      throw new SweepqError('STORE_UNAVAILABLE', `Local store could not ${operation} ${what}`, { cause: error });
    }
  }
}

/*
 * The in-place path runs once or twice per trial (issue 13): on plain file descriptors (callback
 * fs, promisified) it took half the wall time and ~25% less CPU of FileHandle promises here (400
 * trials' files: 272 vs 633 ms, 214 vs 297 ms CPU), which allocate and finalize a handle per file.
 */
const fdOpen = promisify(fs.open);
const fdWrite = promisify(fs.write);
const fdSync = promisify(fs.fsync);
const fdClose = promisify(fs.close);
const fdMkdir = promisify(fs.mkdir);

/**
 * Writes a file under its final name. The folder is made first: for a fresh key it usually does not
 * exist yet, and a failed open costs a thrown error (with its stack) where `mkdir` costs one call.
 */
async function writeInPlace(target: string, body: Buffer | string, durable: boolean): Promise<void> {
  await fdMkdir(path.dirname(target), { recursive: true });
  const fd = await fdOpen(target, 'w', 0o644);
  try {
    await writeAll(fd, typeof body === 'string' ? Buffer.from(body) : body);
    if (durable) await fdSync(fd);
  } finally {
    await fdClose(fd);
  }
}

async function writeAll(fd: number, bytes: Buffer): Promise<void> {
  // A regular file takes a small write whole; loop anyway, as write(2) allows a short count.
  for (let written = 0; written < bytes.length;) written += (await fdWrite(fd, bytes, written, bytes.length - written)).bytesWritten;
}

function writeAllSync(fd: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length;) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}

/**
 * fsync of a folder makes the names in it (a rename, a new file or folder) durable; best effort, as not
 * every platform allows it. Opened and closed on this thread: only the fsync goes to libuv's pool.
 */
async function syncDirectoryFromHere(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    await fdSync(fd);
  } catch {
    // Directory fsync is unsupported on some file systems (and on Windows); the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
