/**
 * Packs of the local object store (issue 13 item 4, round 4): the objects of a {@link ObjectStore.putGroup}
 * call are appended to one file of their folder, `<folder>/.pack-<random>`, instead of a new file each.
 * A trivial trial wrote two new files; creating them cost ~20% of a 2,000-trial run's CPU (`perf`: ext4
 * looking for a free inode, `find_inode_bit` → `recently_deleted`, on a disk where files come and go)
 * and a file fsync per artefact. A group now costs one positional write and one fdatasync.
 *
 * Keys do not change: `get('artifacts/<sweep>/<trial>.<attempt>.json')` finds the object as a file or,
 * failing that, in its folder's packs (their records are indexed once per reader and the index
 * extended when a key is not found). Each writer (one store object) appends to packs of its own, so
 * appends never interleave. A record is `magic, key length, body length, crc32(key + body), key,
 * body`; a reader stops at the first record that is incomplete or fails its checksum (a write cut
 * short by a crash, whose objects no commit names: the commit follows the fdatasync). After a failed
 * append the writer starts a new pack, so nothing is ever appended behind a torn record. A deleted
 * packed object gets a tombstone record (body length {@link TOMBSTONE}).
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const MAGIC = 0x5351504b; // "SQPK"
const HEADER_BYTES = 16;
const TOMBSTONE = 0xffffffff;
/** Pack files start with this; the store's own listings skip dot-files (temp files, packs). */
export const PACK_PREFIX = '.pack-';

const fdDataSync = promisify(fs.fdatasync);
/** Packs a writer keeps open (one per folder it writes to, least recently used closed first). */
const OPEN_PACKS = 8;
/** Folders whose packs a reader keeps indexed (a sweep's folder each; least recently read dropped first). */
const INDEXED_FOLDERS = 32;
/** A reader's read size when it indexes a pack (a record larger than this is read whole). */
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

/** True when `known` is `folder` or a path under it. */
export function isAtOrUnder(folder: string, known: string): boolean {
  return known === folder || known.startsWith(`${folder}${path.sep}`);
}

/** Where a packed object's bytes are. */
export interface PackedEntry {
  file: string;
  offset: number;
  length: number;
}

interface FolderIndex {
  entries: Map<string, PackedEntry>;
  deleted: Set<string>;
  /** How far each pack file has been read. */
  scanned: Map<string, number>;
}

/** One object to append. */
export interface PackObject {
  name: string;
  body: Buffer;
}

function encodeRecords(objects: readonly PackObject[] | readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const o of objects) {
    const tombstone = typeof o === 'string';
    const key = Buffer.from(tombstone ? o : o.name);
    const body = tombstone ? Buffer.alloc(0) : o.body;
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header.writeUInt32BE(MAGIC, 0);
    header.writeUInt32BE(key.length, 4);
    header.writeUInt32BE(tombstone ? TOMBSTONE : body.length, 8);
    header.writeUInt32BE(crc32(body, crc32(key)), 12);
    parts.push(header, key, body);
  }
  return Buffer.concat(parts);
}

/** An open pack of a writer. */
interface OpenPack {
  fd: number;
  size: number;
  /** Its name made durable in its folder. */
  named: Promise<void>;
  /** Appends waiting for their sync: the file is closed only once none is. */
  syncing: number;
  dropped: boolean;
}

/** Appends records to this writer's pack of each folder. */
export class PackWriter {
  /** Open packs by folder, least recently appended to first. */
  private readonly packs = new Map<string, OpenPack>();

  /** @param syncFolder makes a new pack's name durable in its folder (and the folder in its parents). */
  constructor(private readonly syncFolder: (folder: string) => Promise<void>) {}

  /**
   * Appends the objects (or tombstones, for names given as strings) to `folder`'s pack; resolves when
   * they are durable, the pack's name included.
   */
  async append(folder: string, objects: readonly PackObject[] | readonly string[]): Promise<void> {
    const bytes = encodeRecords(objects);
    let pack = this.packs.get(folder);
    if (pack === undefined) {
      // A long-lived worker writes to many sweeps' folders: it keeps a few packs open, not one per sweep.
      if (this.packs.size >= OPEN_PACKS) this.drop(this.packs.keys().next().value!);
      // A new file of this writer's alone: positional writes (O_APPEND would ignore the position). Its
      // folder is made here, the one place a file is created, not on every group.
      fs.mkdirSync(folder, { recursive: true });
      const fd = fs.openSync(path.join(folder, `${PACK_PREFIX}${randomBytes(8).toString('hex')}`), 'wx', 0o644);
      pack = { fd, size: 0, named: this.syncFolder(folder), syncing: 0, dropped: false };
    } else this.packs.delete(folder);
    this.packs.set(folder, pack);
    const offset = pack.size;
    pack.syncing++;
    // Written on this thread at once, so groups in flight never interleave; only the syncs wait.
    try {
      for (let written = 0; written < bytes.length;) written += fs.writeSync(pack.fd, bytes, written, bytes.length - written, offset + written);
      pack.size += bytes.length;
      await Promise.all([fdDataSync(pack.fd), pack.named]);
    } catch (error) {
      // Whatever part of the records reached the file is a torn tail: the next group starts a new pack.
      if (this.packs.get(folder) === pack) this.drop(folder);
      throw error;
    } finally {
      pack.syncing--;
      closeIfDone(pack);
    }
  }

  /** Forgets the packs under `folder` (the folder was deleted). */
  forget(folder: string): void {
    for (const known of [...this.packs.keys()]) if (isAtOrUnder(folder, known)) this.drop(known);
  }

  close(): void {
    for (const folder of [...this.packs.keys()]) this.drop(folder);
  }

  private drop(folder: string): void {
    const pack = this.packs.get(folder);
    if (pack === undefined) return;
    this.packs.delete(folder);
    pack.dropped = true;
    closeIfDone(pack);
  }
}

/** Closes a dropped pack once no append waits on its file descriptor (a closed fd number is reused). */
function closeIfDone(pack: OpenPack): void {
  if (!pack.dropped || pack.syncing > 0 || pack.fd < 0) return;
  const { fd } = pack;
  pack.fd = -1;
  try {
    fs.closeSync(fd);
  } catch {
    // Already unusable; nothing else to release.
  }
}

/** The packed objects of the folders a reader has looked into, extended as packs grow. */
export class PackIndex {
  private readonly folders = new Map<string, FolderIndex>();

  /** The packed object `name` of `folder`, or null when no pack holds it (or it was deleted). */
  async find(folder: string, name: string): Promise<PackedEntry | null> {
    const state = this.folders.get(folder);
    if (state !== undefined) {
      // Most recently used last: a long-lived reader (the API) keeps the folders it reads now.
      this.folders.delete(folder);
      this.folders.set(folder, state);
      const known = state.entries.get(name);
      if (known !== undefined) return known;
    }
    return (await this.scan(folder)).get(name) ?? null;
  }

  /** Every live packed object of `folder` (for counting a deleted folder's objects). */
  async names(folder: string): Promise<string[]> {
    return [...(await this.scan(folder)).keys()];
  }

  forget(folder: string): void {
    for (const known of [...this.folders.keys()]) if (isAtOrUnder(folder, known)) this.folders.delete(known);
  }

  /** Reads what was appended to the folder's packs since the last scan. */
  private async scan(folder: string): Promise<Map<string, PackedEntry>> {
    let state = this.folders.get(folder);
    if (state === undefined) {
      state = { entries: new Map(), deleted: new Set(), scanned: new Map() };
      if (this.folders.size >= INDEXED_FOLDERS) this.folders.delete(this.folders.keys().next().value!);
      this.folders.set(folder, state);
    }
    let names: string[];
    try {
      names = await fs.promises.readdir(folder);
    } catch {
      return state.entries;
    }
    for (const name of names) {
      if (!name.startsWith(PACK_PREFIX)) continue;
      const file = path.join(folder, name);
      try {
        state.scanned.set(file, await scanPack(file, state.scanned.get(file) ?? 0, state));
      } catch {
        // A pack that vanished (its folder deleted meanwhile) or cannot be read: nothing to index.
      }
    }
    return state.entries;
  }
}

/**
 * Indexes the records of `file` from `from` on, reading it in chunks of {@link SCAN_CHUNK_BYTES} (or
 * one record's size, when larger): a long-lived writer's pack of a big sweep holds every artefact the
 * writer stored there, and a reader looking for one of them must not hold the whole file. Returns how
 * far the complete, intact records reach.
 */
async function scanPack(file: string, from: number, index: FolderIndex): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    let at = from;
    let want = SCAN_CHUNK_BYTES;
    while (at < size) {
      const bytes = Buffer.allocUnsafe(Math.min(want, size - at));
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, at);
      const parsed = parseRecords(bytes.subarray(0, bytesRead), at, file, index);
      if (parsed.spanned > 0) {
        at += parsed.spanned;
        want = SCAN_CHUNK_BYTES;
        continue;
      }
      // No whole record in this chunk: read one record's worth, unless the file ends first (a torn
      // tail, or an append still being written) or the record is bad.
      if (parsed.nextRecordBytes === null || parsed.nextRecordBytes <= bytesRead || at + parsed.nextRecordBytes > size) break;
      want = parsed.nextRecordBytes;
    }
    return at;
  } finally {
    await handle.close();
  }
}

/**
 * Indexes the complete, intact records of `bytes` (read at `base` of `file`): `spanned` is the bytes
 * they cover, `nextRecordBytes` the size of the record after them when its header is there but not
 * all of it (null when it is not a record, or when its header is cut too). A packed name is written
 * once (putGroup keys are new), so a tombstone deletes it whichever pack, read before or after, holds it.
 */
function parseRecords(bytes: Buffer, base: number, file: string, index: FolderIndex): { spanned: number; nextRecordBytes: number | null } {
  let at = 0;
  while (at + HEADER_BYTES <= bytes.length) {
    if (bytes.readUInt32BE(at) !== MAGIC) return { spanned: at, nextRecordBytes: null };
    const keyLength = bytes.readUInt32BE(at + 4);
    const rawLength = bytes.readUInt32BE(at + 8);
    const bodyLength = rawLength === TOMBSTONE ? 0 : rawLength;
    const end = at + HEADER_BYTES + keyLength + bodyLength;
    if (end > bytes.length) return { spanned: at, nextRecordBytes: end - at };
    const key = bytes.subarray(at + HEADER_BYTES, at + HEADER_BYTES + keyLength);
    const body = bytes.subarray(at + HEADER_BYTES + keyLength, end);
    if (crc32(body, crc32(key)) !== bytes.readUInt32BE(at + 12)) return { spanned: at, nextRecordBytes: null };
    const name = key.toString('utf8');
    if (rawLength === TOMBSTONE) {
      index.deleted.add(name);
      index.entries.delete(name);
    } else if (!index.deleted.has(name)) index.entries.set(name, { file, offset: base + at + HEADER_BYTES + keyLength, length: bodyLength });
    at = end;
  }
  return { spanned: at, nextRecordBytes: null };
}

/** Reads a packed object's bytes. */
export async function readPacked(entry: PackedEntry): Promise<Buffer> {
  const handle = await fs.promises.open(entry.file, 'r');
  try {
    const bytes = Buffer.allocUnsafe(entry.length);
    const { bytesRead } = await handle.read(bytes, 0, entry.length, entry.offset);
    if (bytesRead !== entry.length) throw new Error(`pack ${entry.file} is shorter than its index says`);
    return bytes;
  } finally {
    await handle.close();
  }
}
