/** Keep-alive HTTP GETs for API latency measurements (node:http: no extra dependency, low overhead). */
import http from 'node:http';

export interface GetResult {
  status: number;
  ms: number;
  bytes: number;
}

/** A keep-alive agent sized for `sockets` concurrent clients. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** GET http://127.0.0.1:<port><path>; resolves after the whole body arrived. Network errors resolve status 0. */
export function timedGet(agent: http.Agent, port: number, path: string, timeoutMs = 10_000, headers?: http.OutgoingHttpHeaders): Promise<GetResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: timeoutMs, ...(headers === undefined ? {} : { headers }) }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, bytes }));
      res.on('error', () => resolve({ status: 0, ms: performance.now() - started, bytes }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started, bytes: 0 }));
  });
}
