/**
 * Bundles (issue 14): a folder of program code, uploaded once and content-addressed. A bundle is a
 * manifest `bundles/<sha256 of the manifest>.json` listing `{path, sha256, bytes, executable}` per
 * file, and one blob per file content `bundles/blobs/<sha256>`: re-submitting unchanged code uploads
 * nothing, and two bundles share the blobs of the files they share. Workers unpack a bundle once per
 * machine into a cache folder named by its hash, checking every path (relative, no `..`, no link ever
 * followed) and every blob's hash, so a manifest cannot write outside its folder or smuggle content.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, cp, lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InvalidInputError, SweepqError } from '../errors/index.js';
import { Sha256Schema } from '../schemas/sweep-context.schema.js';
import type { ObjectStore } from '../store/object-store.js';
import { sha256OfFile } from '../sweep/dataset-cache.js';

/** Bounds of one bundle: it is code, not data (datasets have their own path). */
export const MAX_BUNDLE_FILES = 5000;
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
/** Folders never bundled: version control and caches that are large and never needed to run. */
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['.git', '__pycache__', 'node_modules', '.venv', '.sweepq']);

/** A relative path inside a bundle: `/`-separated, no empty, `.` or `..` segment, printable. */
const BundlePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.includes('\0') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), {
    error: 'a bundle path must be relative and stay inside the bundle',
  });

export const BundleManifestSchema = z.strictObject({
  format: z.literal('sweepq.bundle'),
  v: z.literal(1),
  files: z
    .array(z.strictObject({ path: BundlePathSchema, sha256: Sha256Schema, bytes: z.number().int().min(0), executable: z.boolean() }))
    .max(MAX_BUNDLE_FILES),
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

export function bundleKey(sha256: string): string {
  return `bundles/${sha256}.json`;
}

export function blobKey(sha256: string): string {
  return `bundles/blobs/${sha256}`;
}

/** A local folder read as a bundle, ready to upload. */
export interface LocalBundle {
  sha256: string;
  manifest: string;
  /** Absolute path of each manifest entry's file, in manifest order. */
  sources: string[];
}

/**
 * Reads a folder as a bundle: regular files only (a symbolic link is refused: its target would be
 * outside the bundle's control), bounded in count and size.
 * @throws InvalidInputError INVALID_SPEC / LIMIT_EXCEEDED naming the folder.
 */
export async function readLocalBundle(folder: string): Promise<LocalBundle> {
  const info = await stat(folder).catch(() => null);
  if (info === null || !info.isDirectory())
    throw new InvalidInputError('INVALID_SPEC', `${folder} is not a folder (give the folder of your code, relative to the sweep file)`, {
      location: { path: 'program.bundle' },
    });
  const entries: Array<{ path: string; source: string }> = [];
  let total = 0;
  const walk = async (relative: string): Promise<void> => {
    const names = (await readdir(path.join(folder, relative))).sort();
    for (const name of names) {
      const rel = relative === '' ? name : `${relative}/${name}`;
      const source = path.join(folder, rel);
      const item = await lstat(source);
      if (item.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) await walk(rel);
      } else if (item.isSymbolicLink()) {
        throw new InvalidInputError('INVALID_SPEC', `${rel} is a symbolic link; a bundle holds regular files only (copy the file in, or leave it out)`, {
          location: { path: 'program.bundle' },
        });
      } else if (item.isFile()) {
        total += item.size;
        entries.push({ path: rel, source });
        if (entries.length > MAX_BUNDLE_FILES || total > MAX_BUNDLE_BYTES) {
          throw new InvalidInputError(
            'LIMIT_EXCEEDED',
            `program.bundle: ${folder} holds more than ${MAX_BUNDLE_FILES} files or ${MAX_BUNDLE_BYTES / 1048576} MiB; bundle the code only (data goes through datasets or the program's own storage)`,
            { location: { path: 'program.bundle' } },
          );
        }
      }
    }
  };
  await walk('');
  const files: BundleManifest['files'] = [];
  for (const entry of entries) {
    const item = await stat(entry.source);
    files.push({ path: entry.path, sha256: await sha256OfFile(entry.source), bytes: item.size, executable: (item.mode & 0o111) !== 0 });
  }
  const manifest = JSON.stringify({ format: 'sweepq.bundle', v: 1, files } satisfies BundleManifest);
  return { sha256: createHash('sha256').update(manifest).digest('hex'), manifest, sources: entries.map((e) => e.source) };
}

/** Uploads a bundle's missing blobs, then its manifest (last: a manifest in the store means a whole bundle). */
export async function uploadBundle(store: ObjectStore, bundle: LocalBundle): Promise<void> {
  if (await store.exists(bundleKey(bundle.sha256))) return;
  const manifest = BundleManifestSchema.parse(JSON.parse(bundle.manifest));
  for (let i = 0; i < manifest.files.length; i++) {
    const key = blobKey(manifest.files[i]!.sha256);
    if (!(await store.exists(key))) await store.putFile(key, bundle.sources[i]!);
  }
  await store.put(bundleKey(bundle.sha256), bundle.manifest, { contentType: 'application/json' });
}

/** Unpacked bundles on one machine, by hash; each unpacked once, then copied per trial. */
export class BundleCache {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly dir: string,
  ) {}

  /** Copies the bundle's files into `target` (a trial's own folder: programs may write next to their code). */
  async copyTo(sha256: string, target: string): Promise<void> {
    await cp(await this.unpacked(sha256), target, { recursive: true, verbatimSymlinks: true });
  }

  /** The folder of an unpacked bundle, unpacking it first when this machine has not yet. */
  async unpacked(sha256: string): Promise<string> {
    Sha256Schema.parse(sha256);
    const folder = path.join(this.dir, sha256);
    if ((await stat(folder).catch(() => null))?.isDirectory() === true) return folder;
    let running = this.pending.get(sha256);
    if (running === undefined) {
      running = this.unpack(sha256, folder).finally(() => this.pending.delete(sha256));
      this.pending.set(sha256, running);
    }
    return running;
  }

  private async unpack(sha256: string, folder: string): Promise<string> {
    const text = (await this.store.get(bundleKey(sha256))).toString('utf8');
    if (createHash('sha256').update(text).digest('hex') !== sha256)
      throw new SweepqError('INVALID_ARTIFACT', `bundle ${sha256} does not match its hash (corrupt store object)`);
    const parsed = BundleManifestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new SweepqError('INVALID_ARTIFACT', `bundle ${sha256} has an invalid manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const paths = new Set<string>();
    for (const file of parsed.data.files) {
      const lower = file.path.toLowerCase();
      if (paths.has(lower)) throw new SweepqError('INVALID_ARTIFACT', `bundle ${sha256} lists ${file.path} twice`);
      paths.add(lower);
    }
    const temp = path.join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      for (const file of parsed.data.files) {
        const target = path.resolve(temp, file.path);
        // Checked by the schema already; checked again where it matters, on the resolved path.
        if (!target.startsWith(temp + path.sep)) throw new SweepqError('INVALID_ARTIFACT', `bundle path ${file.path} leaves its folder`);
        await mkdir(path.dirname(target), { recursive: true });
        await this.store.getToFile(blobKey(file.sha256), target);
        if ((await sha256OfFile(target)) !== file.sha256)
          throw new SweepqError('INVALID_ARTIFACT', `bundle file ${file.path} does not match its hash (corrupt store object)`);
        await chmod(target, file.executable ? 0o755 : 0o644);
      }
      await mkdir(temp, { recursive: true });
      // All or nothing: a crash mid-way leaves a temp folder, never a half-unpacked bundle.
      await rename(temp, folder).catch(async (error: unknown) => {
        if ((await stat(folder).catch(() => null)) === null) throw error;
      });
      return folder;
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
}
