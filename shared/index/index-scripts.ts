/**
 * The index's Lua scripts: one `.lua` file per script in `./lua/` named `<name>-<key count>.lua`
 * (BullMQ's convention), shared preludes in `./lua/includes/` pulled in by a `--!include <name>` line.
 * Each script is registered once per connection with ioredis `defineCommand`, which runs it by sha and
 * falls back to sending the source when the server does not know it (after a Redis restart wiped its
 * script cache). TypeScript calls {@link IndexScripts.run} with a script name and its keys, never a
 * string of Lua. The build copies the `.lua` files next to the compiled module (scripts/copy-assets.mjs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChainableCommander, Redis } from 'ioredis';

const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));
const INCLUDE = /^--!include ([a-z0-9-]+)\s*$/gm;

/** The scripts by name, with their key counts (checked against the file names at load). */
export const SCRIPT_KEYS = {
  'advance-feed': 1,
  'append-segments': 4,
  'cancel-queued': 3,
  'cancel-remainder': 1,
  claim: 4,
  'claim-batch': 3,
  commit: 6,
  'commit-batch': 5,
  'create-run': 2,
  'create-trials': 3,
  'experiment-id': 4,
  'finish-active': 4,
  'force-finish': 4,
  'open-external-sweep': 5,
  rejob: 1,
  release: 3,
  requeue: 3,
  'reset-active': 3,
  'resume-remainder': 1,
  'write-run': 3,
  'write-sweep-tags': 1,
  'stop-remainder': 1,
} as const;

export type ScriptName = keyof typeof SCRIPT_KEYS;

interface LoadedScript {
  command: string;
  keys: number;
  lua: string;
}

let loaded: Map<ScriptName, LoadedScript> | undefined;

function resolveIncludes(source: string, seen: Set<string>): string {
  return source.replace(INCLUDE, (_line, name: string) => {
    if (seen.has(name)) return '';
    seen.add(name);
    return resolveIncludes(readFileSync(`${LUA_DIR}includes/${name}.lua`, 'utf8'), seen);
  });
}

/** Reads every script once per process, checking that each declared script has exactly one file. */
function loadScripts(): Map<ScriptName, LoadedScript> {
  if (loaded !== undefined) return loaded;
  const scripts = new Map<ScriptName, LoadedScript>();
  for (const file of readdirSync(LUA_DIR)) {
    const match = /^([a-z-]+)-(\d+)\.lua$/.exec(file);
    if (match === null) continue;
    const name = match[1] as ScriptName;
    const keys = Number(match[2]);
    if (!(name in SCRIPT_KEYS) || SCRIPT_KEYS[name] !== keys) {
      throw new Error(`index script ${file} is not declared in SCRIPT_KEYS with ${keys} keys`);
    }
    const command = `sweepq${name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase())}`;
    scripts.set(name, { command, keys, lua: resolveIncludes(readFileSync(LUA_DIR + file, 'utf8'), new Set()) });
  }
  for (const name of Object.keys(SCRIPT_KEYS) as ScriptName[]) {
    if (!scripts.has(name)) throw new Error(`index script ${name} has no file ${name}-${SCRIPT_KEYS[name]}.lua in ${LUA_DIR}`);
  }
  loaded = scripts;
  return scripts;
}

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

const registered = new WeakSet<Redis>();

/** Runs the index's scripts on one connection (registered on first use). */
export class IndexScripts {
  private readonly scripts = loadScripts();

  constructor(private readonly redis: Redis) {
    if (!registered.has(redis)) {
      for (const script of this.scripts.values()) redis.defineCommand(script.command, { numberOfKeys: script.keys, lua: script.lua });
      registered.add(redis);
    }
  }

  /** Runs a script; `keys.length` must be the script's key count. */
  run(name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    const script = this.command(name, keys);
    const fn = (this.redis as unknown as Record<string, ScriptCommand>)[script]!;
    return fn.call(this.redis, ...keys, ...args);
  }

  /** Queues a script on a pipeline/transaction of the same connection. */
  queue(pipeline: ChainableCommander, name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number>): void {
    const script = this.command(name, keys);
    const fn = (pipeline as unknown as Record<string, (...a: Array<string | number>) => unknown>)[script]!;
    fn.call(pipeline, ...keys, ...args);
  }

  private command(name: ScriptName, keys: readonly string[]): string {
    const script = this.scripts.get(name)!;
    if (keys.length !== script.keys) throw new Error(`index script ${name} takes ${script.keys} keys, got ${keys.length}`);
    return script.command;
  }
}
