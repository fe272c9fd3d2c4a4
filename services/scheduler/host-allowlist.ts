/**
 * Which Host headers the API answers. A scheduler bound to 127.0.0.1 is reachable from any web page
 * the user opens through DNS rebinding: `evil.example` resolves to 127.0.0.1 and the browser sends
 * `Host: evil.example:8080` to our port. Refusing unknown Host names (421 before any route runs)
 * closes that hole; the loopback rule for anonymous reads builds on the same parsing.
 */

/** A parsed `Host` header: the name in lower case (IPv6 in brackets) and the port (80 when absent). */
export interface HostHeader {
  hostname: string;
  port: number;
}

/** The names that mean "this machine" in a Host header. */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A DNS name, an IPv4 address or a bracketed IPv6 address, then an optional port. No userinfo, no path. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,252})?)(?::([0-9]{1,5}))?$/;

/** Parses a Host header value (`defaultPort` when it names none); undefined when it is missing or malformed. */
export function parseHostHeader(value: string | undefined, defaultPort = 80): HostHeader | undefined {
  if (value === undefined || value.length > 300) return undefined;
  const match = HOST_HEADER.exec(value.toLowerCase());
  if (match === null) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65_535) return undefined;
  // A trailing dot is the same DNS name ("localhost." = "localhost").
  const hostname = match[1]!.endsWith('.') ? match[1]!.slice(0, -1) : match[1]!;
  return { hostname, port };
}

/**
 * True when an Origin header (`scheme://host[:port]`) names the same scheme, host and port as the
 * request's Host header and protocol — the same-origin test of cookie requests that change state.
 */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined, protocol: 'http' | 'https'): boolean {
  if (origin === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== `${protocol}:` || url.pathname !== '/' || url.username !== '' || url.search !== '') return false;
  const defaultPort = protocol === 'https' ? 443 : 80;
  const host = parseHostHeader(hostHeader, defaultPort);
  const port = url.port === '' ? defaultPort : Number(url.port);
  return host !== undefined && host.hostname === url.hostname && host.port === port;
}

/** True for the Host names of the loopback interface (localhost, 127.0.0.1, [::1]). */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname);
}

/** True when the server's bind address (HOST) is a loopback address, so only this machine can connect. */
export function isLoopbackBindAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** SWEEPQ_ALLOWED_HOSTS as a matcher: `host` entries allow any port, `host:port` entries one port, `*` anything. */
export class HostAllowlist {
  private readonly any: boolean;
  private readonly names = new Set<string>();
  private readonly namesWithPort = new Set<string>();

  constructor(entries: readonly string[]) {
    this.any = entries.includes('*');
    for (const entry of entries) {
      if (entry === '*') continue;
      const parsed = parseHostHeader(entry);
      if (parsed === undefined) throw new Error(`invalid allowed host ${JSON.stringify(entry)}`);
      if (/:[0-9]+$/.test(entry) && !entry.endsWith(']')) this.namesWithPort.add(`${parsed.hostname}:${parsed.port}`);
      else this.names.add(parsed.hostname);
    }
  }

  /** The parsed header when this Host may be answered, else undefined. */
  check(header: string | undefined): HostHeader | undefined {
    const parsed = parseHostHeader(header);
    if (parsed === undefined) return undefined;
    if (this.any || this.names.has(parsed.hostname) || this.namesWithPort.has(`${parsed.hostname}:${parsed.port}`)) return parsed;
    return undefined;
  }
}
