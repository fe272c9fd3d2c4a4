/**
 * The Lua scripts of fold jobs (`./lua/<name>-<key count>.lua`, the index's convention), registered
 * once per connection with ioredis `defineCommand`. They include the index's shared preludes
 * (`shared/index/lua/includes/`), so a split trial's transitions move the sweep's counters and
 * completion log exactly as the index's own scripts do. Kept beside fold jobs rather than in the
 * index's script table so the two evolve without touching each other.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));
const INCLUDES_DIR = fileURLToPath(new URL('../index/lua/includes/', import.meta.url));
const INCLUDE = /^--!include ([a-z0-9-]+)\s*$/gm;

const SCRIPTS = {
  sweepqClaimFold: { file: 'claim-fold-5.lua', keys: 5 },
  sweepqRecordFold: { file: 'record-fold-2.lua', keys: 2 },
} as const;

type FoldScriptCommand = keyof typeof SCRIPTS;

let sources: Map<FoldScriptCommand, string> | undefined;

function loadSources(): Map<FoldScriptCommand, string> {
  if (sources !== undefined) return sources;
  const loaded = new Map<FoldScriptCommand, string>();
  for (const [command, { file }] of Object.entries(SCRIPTS) as Array<[FoldScriptCommand, { file: string }]>) {
    const seen = new Set<string>();
    const source = readFileSync(LUA_DIR + file, 'utf8').replace(INCLUDE, (_line, name: string) => {
      if (seen.has(name)) return '';
      seen.add(name);
      return readFileSync(`${INCLUDES_DIR}${name}.lua`, 'utf8');
    });
    loaded.set(command, source);
  }
  sources = loaded;
  return loaded;
}

const registered = new WeakSet<Redis>();

/** Runs a fold script on `redis` (registered on first use); `keys.length` must be its key count. */
export function runFoldScript(redis: Redis, command: FoldScriptCommand, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
  if (!registered.has(redis)) {
    for (const [name, lua] of loadSources()) redis.defineCommand(name, { numberOfKeys: SCRIPTS[name].keys, lua });
    registered.add(redis);
  }
  if (keys.length !== SCRIPTS[command].keys) throw new Error(`fold script ${command} takes ${SCRIPTS[command].keys} keys, got ${keys.length}`);
  const fn = (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[command]!;
  return fn.call(redis, ...keys, ...args);
}
