/**
 * Browser sessions of the API (the dashboard under /ui/): a session is a random id in an HttpOnly,
 * SameSite=Strict cookie, signed with a key that lives only in this process, mapped server-side to
 * the role of the token it was exchanged for, its expiry and its CSRF token. One-time login tickets
 * (`/auth/login?ticket=…`) let the CLI hand a browser a session without the user pasting a token.
 *
 * Both live in memory: a scheduler restart logs browsers out (they log in again with a new link).
 * Both maps are bounded; expired entries go first, then the oldest.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'sweepq_session';
/** Readable by the page's JavaScript, which echoes it in the `x-csrf-token` header (double submit). */
export const CSRF_COOKIE = 'sweepq_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A browser session. `role` is the role of the token (or login link) it was made from. */
export interface Session<Role extends string = string> {
  readonly id: string;
  readonly role: Role;
  readonly expiresAt: number;
  readonly csrfToken: string;
  /** Rate-limit key of the credential the session was made from (sessions share their token's budget). */
  readonly clientKey: string;
}

export interface SessionStoreOptions {
  sessionTtlMs: number;
  ticketTtlMs: number;
  /** Most live sessions (oldest dropped first). */
  maxSessions?: number;
  /** Most unredeemed login tickets (oldest dropped first). */
  maxTickets?: number;
  now?: () => number;
}

const ID_BYTES = 32;
/** base64url of 32 bytes: what ids, tickets and CSRF tokens look like (anything else is refused unparsed). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function randomToken(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/** Constant-time string equality (lengths may differ; the comparison time does not reveal where). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export class SessionStore<Role extends string = string> {
  private readonly key = randomBytes(32);
  private readonly sessions = new Map<string, Session<Role>>();
  private readonly tickets = new Map<string, { role: Role; clientKey: string; expiresAt: number }>();
  private readonly maxSessions: number;
  private readonly maxTickets: number;
  private readonly now: () => number;

  constructor(private readonly options: SessionStoreOptions) {
    this.maxSessions = options.maxSessions ?? 10_000;
    this.maxTickets = options.maxTickets ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Opens a session; `cookieValue` (id + signature) goes into the session cookie. */
  create(role: Role, clientKey: string): { session: Session<Role>; cookieValue: string } {
    const now = this.now();
    evict(this.sessions, this.maxSessions, now);
    const session: Session<Role> = { id: randomToken(), role, expiresAt: now + this.options.sessionTtlMs, csrfToken: randomToken(), clientKey };
    this.sessions.set(session.id, session);
    return { session, cookieValue: `${session.id}.${this.sign(session.id)}` };
  }

  /** The live session a cookie value names, or undefined (malformed, forged, unknown or expired). */
  verify(cookieValue: string | undefined): Session<Role> | undefined {
    if (cookieValue === undefined) return undefined;
    const dot = cookieValue.indexOf('.');
    if (dot < 0) return undefined;
    const id = cookieValue.slice(0, dot);
    const signature = cookieValue.slice(dot + 1);
    if (!TOKEN_SHAPE.test(id) || !safeEqual(signature, this.sign(id))) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** A single-use login ticket for `role`, valid for the ticket TTL. */
  issueTicket(role: Role, clientKey: string): { ticket: string; expiresAt: number } {
    const now = this.now();
    evict(this.tickets, this.maxTickets, now);
    const ticket = randomToken();
    const expiresAt = now + this.options.ticketTtlMs;
    this.tickets.set(ticket, { role, clientKey, expiresAt });
    return { ticket, expiresAt };
  }

  /** Redeems a ticket once: its role and client key, or undefined when unknown, used or expired. */
  redeemTicket(ticket: string | undefined): { role: Role; clientKey: string } | undefined {
    if (ticket === undefined || !TOKEN_SHAPE.test(ticket)) return undefined;
    const entry = this.tickets.get(ticket);
    if (entry === undefined) return undefined;
    this.tickets.delete(ticket);
    return entry.expiresAt > this.now() ? { role: entry.role, clientKey: entry.clientKey } : undefined;
  }

  get size(): { sessions: number; tickets: number } {
    return { sessions: this.sessions.size, tickets: this.tickets.size };
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url');
  }
}

/** Makes room for one more entry: expired entries first, then the oldest (Maps iterate in insertion order). */
function evict(map: Map<string, { expiresAt: number }>, max: number, now: number): void {
  if (map.size < max) return;
  for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
  for (const key of map.keys()) {
    if (map.size < max) break;
    map.delete(key);
  }
}

/** Reads one cookie from a `Cookie` header (the first occurrence wins, as browsers send the most specific first). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9._-]{1,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** A `Set-Cookie` value for the API's cookies: Path=/, SameSite=Strict, HttpOnly unless the page must read it. */
export function serializeCookie(name: string, value: string, options: { maxAgeSeconds: number; httpOnly: boolean; secure: boolean }): string {
  let cookie = `${name}=${value}; Path=/; Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}; SameSite=Strict`;
  if (options.httpOnly) cookie += '; HttpOnly';
  if (options.secure) cookie += '; Secure';
  return cookie;
}
