/**
 * Bearer-token authentication. Mutating routes always need the token (when one is configured); reads
 * need it when SWEEPQ_REQUIRE_AUTH_FOR_READS is set. Runs in `onRequest`, before the body is read, so
 * an unauthenticated client cannot make the server buffer an upload.
 *
 * The comparison hashes both sides with sha256 and compares the equal-length digests with
 * `timingSafeEqual`: time depends neither on where the strings differ nor on the real token's length.
 * The answer never says whether the header was missing, malformed or wrong.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SweepqError } from '../../shared/errors/index.js';
import { sendError } from './error-handler.js';

export interface AuthOptions {
  /** The expected token; undefined disables authentication (loopback development). */
  token: string | undefined;
  /** Also require the token for GET/HEAD routes. */
  requireAuthForReads: boolean;
  /** Paths that never need a token (liveness probes). */
  publicPaths?: readonly string[];
}

const UNAUTHORIZED_MESSAGE = 'missing or invalid bearer token';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Builds a constant-time checker for `Authorization` header values against `token`. */
export function createTokenCheck(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    // Always hash something, so a missing header costs the same as a wrong one.
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
    const presented = digest(match?.[1] ?? '');
    return timingSafeEqual(presented, expected) && match !== null;
  };
}

function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** Adds the `onRequest` hook that enforces {@link AuthOptions}. */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  if (options.token === undefined) return;
  const check = createTokenCheck(options.token);
  const publicPaths = new Set(options.publicPaths ?? []);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (publicPaths.has(path)) return;
    if (isRead(request.method) && !options.requireAuthForReads) return;
    if (check(request.headers.authorization)) return;
    reply.header('www-authenticate', 'Bearer');
    await sendError(reply, new SweepqError('UNAUTHORIZED', UNAUTHORIZED_MESSAGE));
    return reply;
  });
}
