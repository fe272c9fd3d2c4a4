/**
 * Serves the dashboard (built by `npm run build:ui` into dist/ui, part of `npm ci`'s prepare step)
 * under /ui/: hashed assets from /ui/assets/ with long-lived caching, index.html for every other /ui/
 * path (the app routes in the browser; all view state is in the URL), and `/` redirects to /ui/. The
 * shell is public — it holds no data; every API call it makes is checked like any other.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SweepqError } from '../../shared/errors/index.js';

/** dist/ui beside dist/services: the same relative place from the compiled plugin. */
export const DEFAULT_UI_ROOT = fileURLToPath(new URL('../../ui/', import.meta.url));

/** No inline scripts, nothing from other origins; uPlot and the app set inline styles. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export async function registerUi(app: FastifyInstance, options: { root?: string } = {}): Promise<void> {
  const root = options.root ?? DEFAULT_UI_ROOT;
  app.sweepqAuth.protectPrefix('/ui', { role: 'public' });
  app.get('/', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/', 302));
  const built = existsSync(path.join(root, 'index.html'));
  const sendShell = async (reply: FastifyReply): Promise<FastifyReply> => {
    if (!built) throw new SweepqError('NOT_FOUND', `the dashboard is not built (${root} has no index.html): run \`npm run build:ui\``);
    return reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .sendFile('index.html', root);
  };
  if (built) {
    await app.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/ui/assets/',
      // Asset names carry their content hash: cache them for good.
      immutable: true,
      maxAge: '365d',
      index: false,
    });
  } else {
    // Still decorate reply.sendFile for the shell route's message path.
    await app.register(fastifyStatic, { root, serve: false });
  }
  app.get('/ui', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/', 302));
  app.get('/ui/', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) => sendShell(reply));
  app.get('/ui/*', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) => sendShell(reply));
}
