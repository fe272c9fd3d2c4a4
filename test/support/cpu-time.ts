/**
 * CPU milliseconds (user + system) this process spends in `run`. Complexity guards (a quadratic
 * parser, a backtracking pattern) are asserted on CPU time, not wall time: other processes competing
 * for the cores stretch the wall clock many times over, but barely change the CPU a computation takes.
 */
export function cpuMillis(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
