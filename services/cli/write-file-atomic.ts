import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../../shared/errors/index.js';

/** A name beside `target` (same folder, so a rename onto it is atomic) no other writer picks: `.name.pid.random.suffix`. */
export function siblingTempPath(target: string, suffix: string): string {
  return path.join(path.dirname(path.resolve(target)), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.${suffix}`);
}

/**
 * Writes `bytes` to `target` atomically: a temp file in the same folder (same file system, so rename
 * is atomic), fsync, rename. A crash or Ctrl-C never leaves a half-written model at `target`.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array | string): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const temp = siblingTempPath(target, 'tmp');
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', 0o644);
  } catch (error) {
    // The temp file is ours, not the user's: name the folder they gave (a missing or read-only one).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      const reason = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : 'is not writable';
      throw new InvalidInputError('INVALID_ARGUMENT', `cannot write ${target}: the folder ${dir} ${reason} (create it or choose another path)`, {
        cause: error,
      });
    }
    throw error;
  }
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Refuses to replace what is at `target` unless the user said `--force`: every command that writes a
 * file the user names (`best --out`, `run --out`, `export`) checks this before spending time on what
 * it would write (`sweepq run --out` trains the whole sweep first). A folder is never replaced by a
 * file, forced or not.
 * @param kind what the command writes, for the message ("model file", "ONNX file").
 */
export function assertMayWrite(target: string, force: boolean, kind: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(target).isDirectory();
  } catch {
    return;
  }
  if (isFolder) throw new InvalidInputError('INVALID_ARGUMENT', `cannot write the ${kind} ${target}: it is a folder (give a file path with --out)`);
  if (!force) throw new InvalidInputError('INVALID_ARGUMENT', `${target} already exists: add --force to overwrite it, or give another --out`);
}

/**
 * Refuses an output path whose folder does not exist, before a command spends time on what it would
 * write there (`sweepq run --out` trains the whole sweep first).
 */
export function assertOutputFolder(target: string): void {
  const dir = path.dirname(path.resolve(target));
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new InvalidInputError('INVALID_ARGUMENT', `cannot write ${target}: the folder ${dir} does not exist (create it or choose another path)`);
}
