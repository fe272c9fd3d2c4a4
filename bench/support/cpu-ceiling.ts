/**
 * How much parallel CPU this machine gives right now: the same fixed spin loop in 1 process, then in
 * 2 at once. On an idle 2-core machine the 2-process throughput is ≈ 2×; on a shared or throttled one
 * it is less, and that is the ceiling for any "2 workers vs 1" measurement taken at the same time.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { trackChild } from './cleanup-stack.js';

const SPIN = 'let x=0;for(let i=0;i<3e8;i++){x=(x*1103515245+12345)%2147483647}if(x===-1)console.log(x)';

function spin(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' });
    trackChild(child);
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

export interface CpuCeiling {
  oneMs: number;
  twoMs: number;
  /** Throughput of 2 spinners relative to 1 (2 × one / two). */
  parallelSpeedup: number;
  loadAverage1m: number;
}

export async function measureCpuCeiling(): Promise<CpuCeiling> {
  const loadAverage1m = os.loadavg()[0] ?? 0;
  const oneMs = await spin();
  const [a, b] = await Promise.all([spin(), spin()]);
  const twoMs = Math.max(a, b);
  return { oneMs, twoMs, parallelSpeedup: (2 * oneMs) / twoMs, loadAverage1m };
}
