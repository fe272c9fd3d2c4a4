/** Finding a free loopback TCP port for a child server (embedded redis, test servers). */
import net from 'node:net';

/**
 * Asks the OS for a free port by binding port 0 on `host` and releasing it. Another process may take
 * the port before the caller binds it; callers that spawn a server retry with a new port on failure.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((error) => (error ? reject(error) : port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
