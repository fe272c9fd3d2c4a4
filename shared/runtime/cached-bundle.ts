/**
 * Runs one of the bundles of scripts/bundle-entry-points.mjs (a CommonJS file) with V8's code cache
 * (issue 13, fixed costs). Node 20 keeps no compile cache of its own (`module.enableCompileCache`
 * came in Node 22), so each sweepq process parsed and compiled its whole bundle again at every start;
 * `vm.Script` takes the cache V8 made last time (`cachedData`) and skips that work.
 *
 * The cache lives next to the bundle (`<bundle>.<node version>-<flags>.v8-cache`): written by the
 * process that found none, or found it rejected (another node, other V8 flags), once that process has
 * compiled what a run uses — at exit, or earlier when the process asks (code-cache-checkpoint.ts); with
 * the same trust as the bundle itself, never in a shared temp folder (a planted cache would be code).
 * A folder that cannot be written to (a read-only install) only costs the cache: the bundle runs the same.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { CODE_CACHE_WRITER } from './code-cache-checkpoint.js';

type CommonJsWrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

/** Where the cache of `file` is kept for this node and these V8 flags (V8 refuses a cache made under others). */
function cacheFileOf(file: string): string {
  const flags = createHash('sha256').update(process.execArgv.join('\0')).digest('hex').slice(0, 8);
  return `${file}.${process.version}-${process.arch}-${flags}.v8-cache`;
}

/** What the code cache did for a run: used, absent (written by this run) or refused by V8 (rewritten). */
export type CodeCacheOutcome = 'hit' | 'miss' | 'rejected';

/**
 * zod's settings for a bundled process, set before its zod loads: zod reads them from this global.
 * Without its JIT (issue 13, fixed costs, round 4): zod compiles a parser with `new Function` for each
 * object schema the first time it parses with it — 5–10 ms of a trivial run's worker (the sweep
 * context) and of its CLI (status, trials) — while parsing with the compiled parser measured no faster
 * over 10,000 trial records. Same results either way (zod's own `jitless` option).
 */
const ZOD_CONFIG_GLOBAL = '__zod_globalConfig';

/** Runs the CommonJS bundle at `url` as this process's main module, through V8's code cache. */
export function runCachedBundle(url: URL): CodeCacheOutcome {
  const slot = globalThis as Record<string, unknown>;
  slot[ZOD_CONFIG_GLOBAL] ??= { jitless: true };
  const file = fileURLToPath(url);
  // esbuild writes ASCII (its default `charset`: other characters escaped in strings and regular
  // expressions, left only in comments): read as latin1, the bundle becomes a one-byte string, decoded
  // and scanned faster than UTF-8 — a comment's character may come out garbled, the code cannot.
  const source = readFileSync(file, 'latin1');
  const cacheFile = cacheFileOf(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: this run makes it.
  }
  // The wrapper stays on the bundle's first line, so stack traces keep the bundle's line numbers.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const outcome: CodeCacheOutcome = cachedData === undefined ? 'miss' : script.cachedDataRejected === true ? 'rejected' : 'hit';
  if (outcome !== 'hit') saveLater(script, cacheFile);
  const wrapper = script.runInThisContext() as CommonJsWrapper;
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return outcome;
}

/** Writes the cache once: at exit, or when the process asks first (checkpointCodeCache). */
function saveLater(script: Script, cacheFile: string): void {
  let saved = false;
  const save = (): void => {
    if (saved) return;
    saved = true;
    delete (globalThis as Record<symbol, unknown>)[CODE_CACHE_WRITER];
    // A temp file and a rename: concurrent processes never read a half-written cache.
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch {
      rmSync(temp, { force: true });
    }
  };
  process.once('exit', save);
  (globalThis as Record<symbol, unknown>)[CODE_CACHE_WRITER] = save;
}
