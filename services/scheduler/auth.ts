/**
 * Who may call what on the scheduler API, in one place.
 *
 * - **Roles** are ordered: `read` < `write` < `program`. A credential holds one role and may call
 *   every route whose role is at most its own. Tokens: SWEEPQ_API_READ_TOKEN (read),
 *   SWEEPQ_API_TOKEN (write), SWEEPQ_API_PROGRAM_TOKEN (program; unset = nobody holds it).
 * - **The metrics token** (SWEEPQ_METRICS_TOKEN) is no role: it opens only the routes that declare
 *   `metrics: true` (`/metrics`, `/metrics/queue`), so the credential a Prometheus or KEDA
 *   installation keeps reveals counts, never trial data. Those routes take read credentials too.
 * - **Routes declare their role** in their options, `config: { role: 'read' }`; a route without one
 *   is refused when it is registered (fail closed). `sensitive: true` marks downloads that embed
 *   training data (artefacts, datasets): never served without a credential. `bearerOnly: true` takes
 *   tokens only (session creation, login links).
 * - **Credentials**: `Authorization: Bearer <token>` (compared in constant time against every
 *   configured token; the answer never says what was wrong: one 401 with `WWW-Authenticate: Bearer`),
 *   or a session cookie made by `POST /auth/session` or a one-time login link (session-store.ts).
 *   A bearer header wins over a cookie. 403 means a valid credential whose role is too low, or a
 *   cookie request that failed the CSRF checks.
 * - **Anonymous reads** only when the server is bound to loopback, the Host header is a loopback
 *   name with the server's port, SWEEPQ_REQUIRE_AUTH_FOR_READS is off and the route is not sensitive.
 * - **Cookie requests that change state** must carry an Origin equal to the Host they were sent to
 *   and an `x-csrf-token` header equal to the `sweepq_csrf` cookie and to the session's token
 *   (double submit, bound to the session). Bearer requests are exempt: a browser cannot attach them
 *   cross-site.
 *
 * Everything runs in `onRequest`, before the body is read: an unauthenticated client cannot make the
 * server buffer an upload. The Host check comes first (host-allowlist.ts), then the rate limit
 * (rate-limit.ts, which keys on the credential found here), then the role check.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { SweepqError } from '../../shared/errors/index.js';
import { sendError } from './error-handler.js';
import { HostAllowlist, isLoopbackBindAddress, isLoopbackHostname, isSameOrigin, type HostHeader } from './host-allowlist.js';
import { CSRF_COOKIE, CSRF_HEADER, readCookie, safeEqual, serializeCookie, SESSION_COOKIE, SessionStore, type Session } from './session-store.js';

/** The roles a credential can hold, lowest first. */
export const API_ROLES = ['read', 'write', 'program'] as const;
export type ApiRole = (typeof API_ROLES)[number];
/** What a route requires: a role, or `public` (no credential at all: liveness, login-link redemption). */
export type RouteRole = ApiRole | 'public';
/** What a bearer token can be: a role's token, or the metrics token (scrapers: Prometheus, KEDA). */
type TokenKind = ApiRole | 'metrics';
const TOKEN_KINDS: readonly TokenKind[] = [...API_ROLES, 'metrics'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role this route requires. Mandatory: registration fails without it. */
    role?: RouteRole;
    /** Never answered without a credential, not even on loopback (artefacts, datasets: they embed training data). */
    sensitive?: boolean;
    /** Bearer tokens only (no session cookie, no anonymous loopback). */
    bearerOnly?: boolean;
    /** Answered whatever the Host header (liveness probes address pods by IP). */
    anyHost?: boolean;
    /** Also answered to the metrics token (SWEEPQ_METRICS_TOKEN); only for `read` routes that reveal counts alone. */
    metrics?: boolean;
  }
  interface FastifyInstance {
    /** The scheduler's auth layer, for route plugins (the UI): principals, sessions, login links. */
    sweepqAuth: ApiAuth;
  }
}

const RANK: Record<ApiRole, number> = { read: 1, write: 2, program: 3 };

/** True when a credential holding `held` may call a route that requires `required`. */
export function roleAllows(held: ApiRole, required: ApiRole): boolean {
  return RANK[held] >= RANK[required];
}

/** The authenticated caller of a request. */
export interface Principal {
  readonly role: ApiRole;
  readonly via: 'bearer' | 'session' | 'loopback';
  /**
   * Rate-limit key: `token:<role>` for a token and for the sessions made from it, `ip:<address>` for
   * anonymous loopback reads.
   */
  readonly clientKey: string;
  /** The session, when `via` is `session`. */
  readonly session?: Session<ApiRole>;
}

/**
 * What a request's credentials amount to. `invalid`: a bearer header that matches no token;
 * `scraper`: the metrics token.
 */
export type Authentication =
  { readonly kind: 'none' } | { readonly kind: 'invalid' } | { readonly kind: 'scraper' } | { readonly kind: 'principal'; readonly principal: Principal };

/** A route's requirement, as declared in its `config`. */
export interface RouteRequirement {
  role: RouteRole;
  sensitive?: boolean | undefined;
  bearerOnly?: boolean | undefined;
  /** The metrics token is accepted too. */
  metrics?: boolean | undefined;
}

export interface ApiAuthOptions {
  /** The configured tokens; an undefined token means nobody holds that role through a token. */
  tokens: Partial<Record<ApiRole, string | undefined>>;
  /** SWEEPQ_METRICS_TOKEN: opens the routes declaring `metrics: true` only. */
  metricsToken?: string | undefined;
  requireAuthForReads: boolean;
  /** HOST: the address the server binds to (decides whether anonymous loopback reads exist at all). */
  bindHost: string;
  /** PORT as configured (0 = any free port: the actual port is read from the connection). */
  bindPort: number;
  /** SWEEPQ_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
  sessionTtlMs: number;
  loginTicketTtlMs: number;
}

export const UNAUTHORIZED_MESSAGE = 'missing or invalid bearer token';
const METRICS_TOKEN_MESSAGE = 'the metrics token (SWEEPQ_METRICS_TOKEN) opens /metrics and /metrics/queue only';
const CSRF_MESSAGE = `a request that changes state with a session cookie needs an Origin header of this server and the ${CSRF_HEADER} header equal to the ${CSRF_COOKIE} cookie`;
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for methods that never change state (reads; CSRF-exempt). */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const BEARER = /^Bearer[ ]+(\S+)\s*$/i;

/**
 * Builds a constant-time checker of `Authorization` header values against `tokens`: it hashes the
 * presented value once and compares the digest with every token's (no early exit), so the time taken
 * depends neither on which token matched nor on where a wrong one differs.
 */
export function createTokenMatcher(tokens: Partial<Record<TokenKind, string | undefined>>): (header: string | undefined) => TokenKind | undefined {
  const expected: { role: TokenKind; digest: Buffer }[] = [];
  for (const role of TOKEN_KINDS) {
    const token = tokens[role];
    if (token !== undefined) expected.push({ role, digest: digest(token) });
  }
  return (header) => {
    // Always hash something, so a missing header costs the same as a wrong one.
    const match = BEARER.exec(header ?? '');
    const presented = digest(match?.[1] ?? '');
    let found: TokenKind | undefined;
    for (const candidate of expected) {
      if (timingSafeEqual(presented, candidate.digest) && match !== null) found = candidate.role;
    }
    return found;
  };
}

/** The auth layer of one API instance. Exposed to route plugins as `app.sweepqAuth`. */
export class ApiAuth {
  readonly sessions: SessionStore<ApiRole>;
  private readonly matchToken: (header: string | undefined) => TokenKind | undefined;
  private readonly hosts: HostAllowlist;
  private readonly loopbackBound: boolean;
  private readonly cache = new WeakMap<FastifyRequest, Authentication>();
  /** Path prefixes whose routes, registered by third-party plugins that set no config, get a requirement. */
  private readonly prefixRequirements: Array<{ prefix: string; requirement: RouteRequirement }> = [];

  constructor(private readonly options: ApiAuthOptions) {
    this.matchToken = createTokenMatcher({ ...options.tokens, metrics: options.metricsToken });
    this.hosts = new HostAllowlist(options.allowedHosts);
    this.loopbackBound = isLoopbackBindAddress(options.bindHost);
    this.sessions = new SessionStore<ApiRole>({ sessionTtlMs: options.sessionTtlMs, ticketTtlMs: options.loginTicketTtlMs });
  }

  /**
   * Gives every route under `prefix` that declares no role this requirement (plugins such as
   * bull-board register routes whose options we do not write). Call before registering the plugin.
   */
  protectPrefix(prefix: string, requirement: RouteRequirement): void {
    this.prefixRequirements.push({ prefix, requirement });
  }

  /** The requirement a route without a declared role inherits from its path, if any. */
  requirementForPath(url: string): RouteRequirement | undefined {
    return this.prefixRequirements.find((p) => url === p.prefix || url.startsWith(`${p.prefix}/`))?.requirement;
  }

  /** The request's Host when it is one this server answers, else undefined (→ 421). */
  checkHost(request: FastifyRequest): HostHeader | undefined {
    return this.hosts.check(request.headers.host);
  }

  /** What the request's credentials amount to (computed once per request). */
  authenticate(request: FastifyRequest): Authentication {
    const cached = this.cache.get(request);
    if (cached !== undefined) return cached;
    const result = this.authenticateUncached(request);
    this.cache.set(request, result);
    return result;
  }

  /** The principal a request was admitted with (after the role check), if any. */
  principalOf(request: FastifyRequest): Principal | undefined {
    const auth = this.authenticate(request);
    if (auth.kind === 'principal') return auth.principal;
    return this.anonymousReadAllowed(request) ? this.loopbackPrincipal(request) : undefined;
  }

  /**
   * Decides a request against a route's requirement: undefined when it may proceed, else the error
   * to answer (UNAUTHORIZED: no usable credential; FORBIDDEN: role too low or CSRF checks failed).
   */
  authorize(request: FastifyRequest, requirement: RouteRequirement): SweepqError | undefined {
    if (requirement.role === 'public') return undefined;
    const auth = this.authenticate(request);
    if (auth.kind === 'invalid') return unauthorized();
    if (auth.kind === 'scraper') return requirement.metrics === true ? undefined : new SweepqError('FORBIDDEN', METRICS_TOKEN_MESSAGE);
    let principal: Principal | undefined;
    if (auth.kind === 'principal') principal = auth.principal;
    else if (requirement.role === 'read' && requirement.sensitive !== true && requirement.bearerOnly !== true && this.anonymousReadAllowed(request)) {
      principal = this.loopbackPrincipal(request);
    }
    if (principal === undefined) return unauthorized();
    if (requirement.bearerOnly === true && principal.via !== 'bearer') return unauthorized();
    if (!roleAllows(principal.role, requirement.role)) {
      return new SweepqError(
        'FORBIDDEN',
        `this credential has the ${principal.role} role; ${request.method} ${request.routeOptions.url ?? ''} needs the ${requirement.role} role`,
      );
    }
    if (principal.via === 'session' && !isSafeMethod(request.method) && !this.csrfChecksPass(request, principal.session!)) {
      return new SweepqError('FORBIDDEN', CSRF_MESSAGE);
    }
    return undefined;
  }

  /**
   * An `onRequest`/`preHandler` hook that admits only requests whose credential holds `role`
   * (for route plugins that check more than their route's declared role).
   */
  requireRole(
    role: RouteRole,
    options: { sensitive?: boolean; bearerOnly?: boolean } = {},
  ): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
    const requirement: RouteRequirement = { role, ...options };
    return async (request, reply) => {
      const error = this.authorize(request, requirement);
      if (error === undefined) return undefined;
      if (error.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
      await sendError(reply, error);
      return reply;
    };
  }

  /**
   * Opens a browser session for `role` and returns the `Set-Cookie` values: the HttpOnly session
   * cookie and the script-readable CSRF cookie. `secure` adds the Secure attribute (TLS connections).
   */
  openSession(role: ApiRole, clientKey: string, secure: boolean): { session: Session<ApiRole>; cookies: string[] } {
    const { session, cookieValue } = this.sessions.create(role, clientKey);
    const maxAgeSeconds = (session.expiresAt - Date.now()) / 1000;
    return {
      session,
      cookies: [
        serializeCookie(SESSION_COOKIE, cookieValue, { maxAgeSeconds, httpOnly: true, secure }),
        serializeCookie(CSRF_COOKIE, session.csrfToken, { maxAgeSeconds, httpOnly: false, secure }),
      ],
    };
  }

  /** `Set-Cookie` values that remove the session cookies. */
  clearSessionCookies(secure: boolean): string[] {
    return [
      serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true, secure }),
      serializeCookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, httpOnly: false, secure }),
    ];
  }

  /**
   * A one-time login link for `role`: `/auth/login?ticket=…`, valid once for the login-ticket TTL
   * (SWEEPQ_LOGIN_TICKET_TTL_MS). Opening it sets a session cookie and redirects to `/ui/`.
   * `clientKey` is the rate-limit key the session will share (the issuing token's).
   */
  createLoginLink(role: ApiRole, clientKey = `token:${role}`): { path: string; expiresAt: number } {
    const { ticket, expiresAt } = this.sessions.issueTicket(role, clientKey);
    return { path: `/auth/login?ticket=${ticket}`, expiresAt };
  }

  private authenticateUncached(request: FastifyRequest): Authentication {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const role = this.matchToken(header);
      if (role === 'metrics') return { kind: 'scraper' };
      return role === undefined ? { kind: 'invalid' } : { kind: 'principal', principal: { role, via: 'bearer', clientKey: `token:${role}` } };
    }
    // A stale or forged cookie counts as no credential: on loopback the anonymous read rule still applies.
    const session = this.sessions.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (session !== undefined) return { kind: 'principal', principal: { role: session.role, via: 'session', clientKey: session.clientKey, session } };
    return { kind: 'none' };
  }

  private anonymousReadAllowed(request: FastifyRequest): boolean {
    if (this.options.requireAuthForReads || !this.loopbackBound) return false;
    const host = this.hosts.check(request.headers.host);
    if (host === undefined || !isLoopbackHostname(host.hostname)) return false;
    // The port the request arrived on; in-process requests (inject) have none: the configured one.
    const port = request.socket.localPort ?? (this.options.bindPort === 0 ? undefined : this.options.bindPort);
    return port === undefined || host.port === port;
  }

  private loopbackPrincipal(request: FastifyRequest): Principal {
    return { role: 'read', via: 'loopback', clientKey: `ip:${request.ip}` };
  }

  private csrfChecksPass(request: FastifyRequest, session: Session<ApiRole>): boolean {
    if (!isSameOrigin(request.headers.origin, request.headers.host, request.protocol)) return false;
    const header = request.headers[CSRF_HEADER];
    const cookie = readCookie(request.headers.cookie, CSRF_COOKIE);
    if (typeof header !== 'string' || cookie === undefined) return false;
    // Both comparisons always run (no short-circuit on the first mismatch).
    const matchesCookie = safeEqual(header, cookie);
    const matchesSession = safeEqual(header, session.csrfToken);
    return matchesCookie && matchesSession;
  }
}

function unauthorized(): SweepqError {
  return new SweepqError('UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
}

/** The rate-limit key of a request: its credential's, else its IP (failed credentials count against the IP). */
export function clientKeyOf(auth: ApiAuth, request: FastifyRequest): string {
  const result = auth.authenticate(request);
  if (result.kind === 'scraper') return 'token:metrics';
  return result.kind === 'principal' ? result.principal.clientKey : `ip:${request.ip}`;
}

/**
 * Installs the auth layer on `app`: `app.sweepqAuth`, the route-registration check (every route
 * declares a role), the Host check (first `onRequest` hook) and, through {@link registerRoleCheck},
 * the role check. The caller adds the rate-limit hook between the two.
 */
export function registerAuth(app: FastifyInstance, auth: ApiAuth): void {
  app.decorate('sweepqAuth', auth);
  app.addHook('onRoute', (route: RouteOptions) => {
    const inherited = route.config?.role === undefined ? auth.requirementForPath(route.url) : undefined;
    if (inherited !== undefined) route.config = { ...route.config, role: inherited.role, sensitive: inherited.sensitive, bearerOnly: inherited.bearerOnly };
    const role = route.config?.role;
    if (role !== 'public' && (role === undefined || !(API_ROLES as readonly string[]).includes(role))) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no role (config: { role: 'read' | 'write' | 'program' | 'public' })`);
    }
    if (route.config?.metrics === true && (role !== 'read' || route.config.sensitive === true)) {
      throw new Error(`route ${String(route.method)} ${route.url} opens to the metrics token, which is only for non-sensitive read routes`);
    }
  });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.anyHost === true) return;
    if (auth.checkHost(request) !== undefined) return;
    await sendError(
      reply,
      new SweepqError('INVALID_HOST', 'this server does not answer to the Host header of the request (allowed names: SWEEPQ_ALLOWED_HOSTS)'),
    );
    return reply;
  });
}

/** Adds the `onRequest` hook that enforces each route's declared requirement. Unknown routes go on to their 404. */
export function registerRoleCheck(app: FastifyInstance, auth: ApiAuth): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.is404) return;
    const config = request.routeOptions.config;
    const error = auth.authorize(request, {
      role: config.role ?? 'program',
      sensitive: config.sensitive,
      bearerOnly: config.bearerOnly,
      metrics: config.metrics,
    });
    if (error === undefined) return;
    if (error.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
    await sendError(reply, error);
    return reply;
  });
}
