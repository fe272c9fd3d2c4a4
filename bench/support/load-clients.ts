/**
 * Load generator process for bench:load: N keep-alive HTTP clients polling one sweep's status and
 * leaderboard for a fixed time. Runs in its own process so the clients' event loop does not share the
 * scheduler's (their latency would then include each other's work). Prints one JSON line on stdout.
 *
 *   node dist/bench/support/load-clients.js PORT SWEEP_ID CLIENTS DURATION_MS THINK_MS
 */
import { keepAliveAgent, timedGet } from './http-get.js';
import { SampleBuffer, summarize } from './percentiles.js';

export interface LoadClientsReport {
  requests: number;
  errors: number;
  statusCodes: Record<string, number>;
  durationMs: number;
  latencyMs: { n: number; mean: number; p50: number; p95: number; p99: number; max: number };
  byPath: Record<string, { n: number; p50: number; p95: number; p99: number; max: number }>;
}

async function main(): Promise<void> {
  const [portText, sweepId, clientsText, durationText, thinkText] = process.argv.slice(2);
  const port = Number(portText);
  const clients = Number(clientsText);
  const durationMs = Number(durationText);
  const thinkMs = Number(thinkText ?? '0');
  if (!sweepId || !Number.isInteger(port) || !Number.isInteger(clients) || !Number.isFinite(durationMs)) {
    throw new Error('usage: load-clients.js PORT SWEEP_ID CLIENTS DURATION_MS THINK_MS');
  }
  const agent = keepAliveAgent(clients);
  const paths = [`/sweeps/${sweepId}`, `/sweeps/${sweepId}/trials?sort=auc_roc&limit=20`];
  const all = new SampleBuffer();
  const perPath = [new SampleBuffer(), new SampleBuffer()];
  const codes: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async (k: number): Promise<void> => {
    // Half the clients start on each endpoint, then every client alternates.
    let which = k % 2;
    while (performance.now() < deadline) {
      const r = await timedGet(agent, port, paths[which]!);
      all.push(r.ms);
      perPath[which]!.push(r.ms);
      codes[String(r.status)] = (codes[String(r.status)] ?? 0) + 1;
      if (r.status !== 200) errors++;
      which = 1 - which;
      if (thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, thinkMs));
    }
  };
  const running: Array<Promise<void>> = [];
  for (let k = 0; k < clients; k++) running.push(client(k));
  await Promise.all(running);
  const elapsed = performance.now() - started;
  agent.destroy();
  const s = summarize(all.values());
  const short = (buffer: SampleBuffer) => {
    const x = summarize(buffer.values());
    return { n: x.n, p50: x.p50, p95: x.p95, p99: x.p99, max: x.max };
  };
  const report: LoadClientsReport = {
    requests: all.length,
    errors,
    statusCodes: codes,
    durationMs: elapsed,
    latencyMs: { n: s.n, mean: s.mean, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max },
    byPath: { 'GET /sweeps/:id': short(perPath[0]!), 'GET /sweeps/:id/trials?sort=auc_roc&limit=20': short(perPath[1]!) },
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load-clients: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
