/**
 * Browser sessions for the dashboard (served under /ui/ by this scheduler):
 * - `POST /auth/session` exchanges a bearer token for a session cookie of the token's role;
 * - `POST /auth/login-links` makes a one-time link (`sweepq ui` prints one) that, opened in a browser,
 *   sets the cookie and redirects to `/ui/` — `GET /auth/login?ticket=…`;
 * - `GET /auth/session` says who the caller is (role, and the CSRF token for a session);
 * - `DELETE /auth/session` ends the session.
 * The cookie rules (HttpOnly, SameSite=Strict, signed id, CSRF double submit) are in auth.ts and
 * session-store.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SweepqError } from '../../shared/errors/index.js';
import { ApiErrorBodySchema, LoginLinkRequestSchema, LoginLinkSchema, LoginQuerySchema, SessionInfoSchema } from '../../shared/schemas/api.schema.js';
import { roleAllows, type ApiAuth, type Principal } from './auth.js';

/** Where a redeemed login link sends the browser. */
export const UI_PATH = '/ui/';

const errors = { 400: ApiErrorBodySchema, 401: ApiErrorBodySchema, 403: ApiErrorBodySchema, 421: ApiErrorBodySchema, 429: ApiErrorBodySchema };

function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

function principal(auth: ApiAuth, request: FastifyRequest): Principal {
  // The role check admitted the request, so there is one.
  const found = auth.principalOf(request);
  if (found === undefined) throw new SweepqError('UNAUTHORIZED', 'missing or invalid bearer token');
  return found;
}

/** Answers that set or clear credentials are never cached and never leak the URL (it may hold a ticket). */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
}

export function registerAuthRoutes(fastify: FastifyInstance, auth: ApiAuth): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/auth/session',
    {
      config: { role: 'read', bearerOnly: true },
      schema: { summary: 'exchange a bearer token for a browser session cookie', tags: ['auth'], response: { 201: SessionInfoSchema, ...errors } },
    },
    async (request, reply) => {
      const caller = principal(auth, request);
      const { session, cookies } = auth.openSession(caller.role, caller.clientKey, secure(request));
      noStore(reply).header('set-cookie', cookies);
      return reply.status(201).send({ role: session.role, via: 'session' as const, expiresAt: session.expiresAt, csrfToken: session.csrfToken });
    },
  );

  app.get(
    '/auth/session',
    { config: { role: 'read' }, schema: { summary: 'who the caller is', tags: ['auth'], response: { 200: SessionInfoSchema, ...errors } } },
    async (request, reply) => {
      const caller = principal(auth, request);
      noStore(reply);
      return caller.session === undefined
        ? { role: caller.role, via: caller.via }
        : { role: caller.role, via: caller.via, expiresAt: caller.session.expiresAt, csrfToken: caller.session.csrfToken };
    },
  );

  app.delete(
    '/auth/session',
    { config: { role: 'read' }, schema: { summary: 'end the browser session', tags: ['auth'], response: { ...errors } } },
    async (request, reply) => {
      const caller = principal(auth, request);
      if (caller.session !== undefined) auth.sessions.destroy(caller.session.id);
      // 204 has no body, hence no response schema: the untyped reply.
      return noStore(reply as FastifyReply)
        .header('set-cookie', auth.clearSessionCookies(secure(request)))
        .status(204)
        .send();
    },
  );

  app.post(
    '/auth/login-links',
    {
      config: { role: 'read', bearerOnly: true },
      schema: {
        summary: 'a one-time login link for a browser',
        tags: ['auth'],
        body: LoginLinkRequestSchema.nullish(),
        response: { 201: LoginLinkSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = principal(auth, request);
      // No body at all is the usual call (`curl -X POST -H 'authorization: …'`): the caller's role.
      const role = request.body?.role ?? caller.role;
      if (!roleAllows(caller.role, role)) {
        throw new SweepqError('FORBIDDEN', `a ${caller.role} token cannot make a login link for the ${role} role`);
      }
      const link = auth.createLoginLink(role, caller.clientKey);
      // The Host header passed the allowlist, so the link points back at this server.
      const url = `${request.protocol}://${request.headers.host ?? 'localhost'}${link.path}`;
      return noStore(reply).status(201).send({ url, role, expiresAt: link.expiresAt });
    },
  );

  app.get(
    '/auth/login',
    {
      config: { role: 'public' },
      schema: {
        summary: 'redeem a one-time login link: sets the session cookie, redirects to /ui/',
        tags: ['auth'],
        querystring: LoginQuerySchema,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const redeemed = auth.sessions.redeemTicket(request.query.ticket);
      noStore(reply);
      if (redeemed === undefined) throw new SweepqError('UNAUTHORIZED', 'this login link is invalid, used or expired; ask for a new one (sweepq ui)');
      const { cookies } = auth.openSession(redeemed.role, redeemed.clientKey, secure(request));
      return reply.header('set-cookie', cookies).redirect(UI_PATH, 303);
    },
  );
}
