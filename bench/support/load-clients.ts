/**
 * Load generator process for bench:load: N keep-alive HTTP clients for a fixed time, either polling
 * one sweep's status and leaderboard (`poll`) or asking for filtered trial listings with a different
 * filter each time, so the read cache cannot answer them (`filter`). Runs in its own process so the
 * clients' event loop does not share the scheduler's (their latency would then include each other's
 * work). Sends `Authorization: Bearer $BENCH_TOKEN` when set. Prints one JSON line on stdout.
 *
 *   node dist/bench/support/load-clients.js PORT SWEEP_ID CLIENTS DURATION_MS THINK_MS [poll|filter]
 */
import { keepAliveAgent, timedGet } from './http-get.js';
import { SampleBuffer, summarize } from './percentiles.js';

export interface LoadClientsReport {
  requests: number;
  /** Answers other than 200, 429 included. */
  errors: number;
  /** 429 answers (a client budget spent), counted in `errors` too. */
  rateLimited: number;
  statusCodes: Record<string, number>;
  durationMs: number;
  latencyMs: { n: number; mean: number; p50: number; p95: number; p99: number; max: number };
  byPath: Record<string, { n: number; p50: number; p95: number; p99: number; max: number }>;
}

async function main(): Promise<void> {
  const [portText, sweepId, clientsText, durationText, thinkText, modeText] = process.argv.slice(2);
  const mode = modeText === 'filter' ? 'filter' : 'poll';
  const token = process.env.BENCH_TOKEN;
  const headers = token === undefined || token === '' ? undefined : { authorization: `Bearer ${token}` };
  const port = Number(portText);
  const clients = Number(clientsText);
  const durationMs = Number(durationText);
  const thinkMs = Number(thinkText ?? '0');
  if (!sweepId || !Number.isInteger(port) || !Number.isInteger(clients) || !Number.isFinite(durationMs)) {
    throw new Error('usage: load-clients.js PORT SWEEP_ID CLIENTS DURATION_MS THINK_MS');
  }
  const agent = keepAliveAgent(clients);
  const paths =
    mode === 'poll'
      ? [`/sweeps/${sweepId}`, `/sweeps/${sweepId}/trials?sort=auc_roc&limit=20`]
      : [`/sweeps/${sweepId}/trials?filter=…`, `/sweeps/${sweepId}/trials?filter=…&order_by=…`];
  let serial = 0;
  /** A filter no earlier request used (a cache miss), over params and metrics, ordered or not. */
  const filtered = (which: number): string => {
    const threshold = (0.5 + ((serial++ * 7919) % 4000) / 10_000).toFixed(4);
    const filter = encodeURIComponent(`metrics.auc_roc > ${threshold} and (params.max_depth >= 3 or params.min_samples_leaf < 10)`);
    return which === 0
      ? `/sweeps/${sweepId}/trials?filter=${filter}&limit=50`
      : `/sweeps/${sweepId}/trials?filter=${filter}&order_by=${encodeURIComponent('metrics.accuracy DESC')}&limit=50`;
  };
  const all = new SampleBuffer();
  const perPath = [new SampleBuffer(), new SampleBuffer()];
  const codes: Record<string, number> = {};
  let errors = 0;
  let rateLimited = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async (k: number): Promise<void> => {
    // Half the clients start on each endpoint, then every client alternates.
    let which = k % 2;
    while (performance.now() < deadline) {
      const r = await timedGet(agent, port, mode === 'poll' ? paths[which]! : filtered(which), 10_000, headers);
      all.push(r.ms);
      perPath[which]!.push(r.ms);
      codes[String(r.status)] = (codes[String(r.status)] ?? 0) + 1;
      if (r.status !== 200) errors++;
      if (r.status === 429) rateLimited++;
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
    rateLimited,
    statusCodes: codes,
    durationMs: elapsed,
    latencyMs: { n: s.n, mean: s.mean, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max },
    byPath: { [paths[0]!.replace(sweepId, ':id')]: short(perPath[0]!), [paths[1]!.replace(sweepId, ':id')]: short(perPath[1]!) },
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load-clients: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
