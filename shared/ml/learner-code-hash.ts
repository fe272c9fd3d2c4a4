/**
 * A hash of the learner code as built (issue 11's result cache): every compiled module under a
 * folder (by default this one, shared/ml, which holds the learners, preprocessing and metrics), by
 * relative path and content. A change to any of them gives another hash, so a cached result is never
 * reused across a change to what produced it — no hand-bumped version constant to forget.
 *
 * A bundled process (scripts/bundle-entry-points.mjs) runs the learner code its bundle was built from,
 * so the bundler computes this hash over those same files and builds it in: reading and hashing ~100
 * files cost 20–45 ms of every worker's start (issue 13, fixed costs), for the same answer.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OWN_FOLDER = path.dirname(fileURLToPath(import.meta.url));
/** Replaced by the hash of this folder in a bundle (esbuild `define`); undeclared, and so never read, elsewhere. */
declare const SWEEPQ_LEARNER_CODE_HASH: string | undefined;
let cached: string | undefined = typeof SWEEPQ_LEARNER_CODE_HASH === 'string' ? SWEEPQ_LEARNER_CODE_HASH : undefined;

/** sha256 (hex) over the `.js` files under `folder`, sorted by relative path. */
export function learnerCodeHash(folder: string = OWN_FOLDER): string {
  if (folder === OWN_FOLDER && cached !== undefined) return cached;
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.js')) files.push(full);
    }
  };
  walk(folder);
  const relative = files.map((f) => path.relative(folder, f).split(path.sep).join('/')).sort();
  const hash = createHash('sha256');
  for (const name of relative) {
    const content = readFileSync(path.join(folder, name));
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  const digest = hash.digest('hex');
  if (folder === OWN_FOLDER) cached = digest;
  return digest;
}
