/**
 * Last-resort cleanup when a test process ends without running its `after` hooks: on process exit,
 * and on SIGINT/SIGTERM (the runner's timeout, Ctrl-C), registered tasks run synchronously, newest
 * first, then the signal is raised again so the process still dies of it. `after` hooks stay the
 * normal path; they unregister their task once they cleaned up. SIGKILL cannot be caught: what a
 * killed test leaves in network namespaces is removed by the next lab (netns-lab.ts).
 */
import { rmSync } from 'node:fs';

const tasks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const task of [...tasks].reverse()) {
    try {
      task();
    } catch {
      // best effort: the other tasks still run
    }
  }
  tasks.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  process.kill(process.pid, signal);
}

/** Runs `task` (synchronous) if the process ends before the returned function unregisters it. */
export function onProcessExit(task: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  tasks.add(task);
  return () => {
    tasks.delete(task);
  };
}

/** SIGCONT (a stopped process cannot act on SIGKILL otherwise) then SIGKILL, ignoring a gone process. */
export function killProcessSync(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function removeDirSync(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
