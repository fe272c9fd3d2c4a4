/**
 * The single-row latency client of bench:serve, in a process of its own: the bench process holds the
 * fitted pipelines, the 10,000-row bodies and the in-process Scorer runs, and its own garbage
 * collections landed in the servers' p99 (a request is timed from the client's side). A fresh process
 * with nothing but this loop measures the server, as a production client would see it.
 *
 *   node dist/bench/serve/latency-client.js PORT BODY_FILE WARMUP REQUESTS
 *
 * Prints one JSON line: `{"samples": [ms, ...]}` (warm-up excluded); exits 1 on a non-200 answer.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { timedPost } from '../support/http-post.js';

async function main(): Promise<void> {
  const [portText, bodyFile, warmupText, requestsText] = process.argv.slice(2);
  const port = Number(portText);
  const warmup = Number(warmupText);
  const requests = Number(requestsText);
  if (!Number.isInteger(port) || bodyFile === undefined || !Number.isInteger(warmup) || !Number.isInteger(requests)) {
    throw new Error('usage: latency-client PORT BODY_FILE WARMUP REQUESTS');
  }
  const body = readFileSync(bodyFile);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = new Float64Array(requests);
  for (let i = 0; i < warmup + requests; i++) {
    const r = await timedPost(agent, port, '/invocations', body, 'application/json');
    if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.slice(0, 300)}`);
    if (i >= warmup) samples[i - warmup] = r.ms;
  }
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ samples: Array.from(samples) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`latency-client: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
