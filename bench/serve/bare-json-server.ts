/**
 * The machine's floor for bench:serve's single-row latency: a bare node:http server that reads the
 * request body, parses it as JSON and answers a constant prediction — no framework, no model. What
 * sweepq serve's p99 costs above it is what sweepq can act on; the rest is the kernel, the loopback
 * and node's HTTP stack on this (shared) machine.
 *
 *   node dist/bench/serve/bare-json-server.js PORT
 */
import http from 'node:http';

const ANSWER = Buffer.from('{"predictions": [0]}');

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method === 'POST') JSON.parse(Buffer.concat(chunks).toString('utf8'));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length });
    response.end(ANSWER);
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
