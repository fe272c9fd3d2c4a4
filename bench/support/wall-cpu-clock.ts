/**
 * Wall and CPU time of one piece of in-process work: on a shared machine the CPU time says what the
 * work cost, the wall time what a caller waited (preemption, GC threads and I/O included).
 */
export interface WallCpu {
  wallMs: number;
  /** This process's user + system CPU, all threads (GC helpers included). */
  cpuMs: number;
}

/** Starts a clock; the returned function reads the time since (callable more than once). */
export function startWallCpuClock(): () => WallCpu {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}
