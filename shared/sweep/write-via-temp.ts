/**
 * Writes a cache file beside the data under a temp name, then renames it into place: a reader never
 * sees half a file, and two processes writing the same file at once both write whole files, the last
 * rename winning. Used for the copies that only save work (parsed-data-cache.ts, column-order-hints.ts):
 * a failed write leaves nothing behind but, at worst, a `*.tmp` that nothing reads.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';

/** `write` writes the whole file at the path it is given. Never throws. */
export function writeViaTemp(file: string, write: (temp: string) => void): void {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    write(temp);
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // A temp file left behind is harmless: nothing reads `*.tmp`.
    }
  }
}
