/**
 * Everything a benchmark starts (redis-server, worker processes, servers, temp folders) is registered
 * here and stopped in reverse order: at the end of a run, on an error, and on Ctrl-C / SIGTERM. Child
 * processes are also SIGKILLed from a synchronous `exit` hook, the last line of defence when something
 * calls process.exit early.
 */
import type { ChildProcess } from 'node:child_process';

interface Entry {
  label: string;
  stop: () => Promise<void>;
}

const entries: Entry[] = [];
const children = new Set<ChildProcess>();
let installed = false;
let running: Promise<void> | null = null;

function killChildrenNow(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Registers `stop` to run at cleanup (last registered runs first). Returns an unregister function. */
export function defer(label: string, stop: () => Promise<void>): () => void {
  const entry: Entry = { label, stop };
  entries.push(entry);
  return () => {
    const at = entries.indexOf(entry);
    if (at >= 0) entries.splice(at, 1);
  };
}

/** Tracks a child process so the exit hook can SIGKILL it if it is still running. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Runs every registered stop, newest first; errors are reported and do not stop the others. Idempotent per batch. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (entries.length > 0) {
      const entry = entries.pop()!;
      try {
        await entry.stop();
      } catch (error) {
        process.stderr.write(`cleanup ${entry.label} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    running = null;
  })();
  return running;
}

/**
 * Installs SIGINT/SIGTERM handlers (clean up, then exit 130/143; a second signal exits at once) and
 * the synchronous exit hook. Call once at the start of a benchmark's main.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killChildrenNow);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (signalled) process.exit(code);
    signalled = true;
    process.stderr.write(`\n${signal}: stopping everything the benchmark started (again to force)\n`);
    void cleanupAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
