/** Keep-alive HTTP POSTs for scoring-server measurements (node:http: no dependency, low overhead). */
import http from 'node:http';

export interface PostResult {
  status: number;
  ms: number;
  body: string;
}

/** POST `body` to http://127.0.0.1:<port><path>; resolves with the whole answer. Network errors resolve status 0. */
export function timedPost(agent: http.Agent, port: number, path: string, body: Buffer, contentType: string, timeoutMs = 60_000): Promise<PostResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, timeout: timeoutMs, headers: { 'content-type': contentType, 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, ms: performance.now() - started, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, ms: performance.now() - started, body: error.message }));
    req.end(body);
  });
}
