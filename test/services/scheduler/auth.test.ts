/**
 * The auth layer of the scheduler API (services/scheduler/auth.ts, session-store.ts,
 * host-allowlist.ts, rate-limit.ts): roles per route, the loopback rule for anonymous reads, the
 * Host allowlist, browser sessions with CSRF checks, one-time login links, the `requireRole` hook
 * route plugins use, and the per-client budgets. The service is in memory; requests go through
 * `inject` or, where the port and Host header matter, a real socket.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../../services/scheduler/app.js';
import { createTokenMatcher, roleAllows } from '../../../services/scheduler/auth.js';
import { HostAllowlist, isLoopbackBindAddress, isSameOrigin, parseHostHeader } from '../../../services/scheduler/host-allowlist.js';
import { readCookie, SessionStore } from '../../../services/scheduler/session-store.js';
import { loadConfig } from '../../../shared/config/config.js';
import { MemoryClient, SPEC_JSON, SWEEP_ID, TRIAL_ID } from './memory-client.js';

const WRITE = 'write-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';
const PROGRAM = 'program-token-0123456789abcdef';
const UNAUTHORIZED = { error: { code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' } };

function makeApp(env: Record<string, string> = {}): { app: FastifyInstance; service: MemoryClient } {
  const config = loadConfig({ SWEEPQ_API_TOKEN: WRITE, SWEEPQ_API_READ_TOKEN: READ, SWEEPQ_API_CACHE_MS: '0', ...env });
  const service = new MemoryClient();
  return { app: buildApp({ service, config, logger: pino({ level: 'silent' }) }), service };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** A raw HTTP request, so the Host header is exactly what the test says. */
function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, setHost: options.headers?.host === undefined },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const READ_ROUTES = [
  '/sweeps',
  `/sweeps/${SWEEP_ID}`,
  `/sweeps/${SWEEP_ID}/trials`,
  `/sweeps/${SWEEP_ID}/best`,
  '/experiments',
  '/experiments/demo/trials',
  '/workers',
  '/openapi.json',
];
const SENSITIVE_ROUTES = [`/sweeps/${SWEEP_ID}/trials/${TRIAL_ID}/artifact`, `/sweeps/${SWEEP_ID}/best/artifact`];
const WRITE_ROUTES: { url: string; payload?: string; type?: string }[] = [
  { url: '/datasets', payload: 'a,b\n1,2\n', type: 'text/csv' },
  { url: '/sweeps', payload: SPEC_JSON, type: 'application/json' },
  { url: `/sweeps/${SWEEP_ID}/trials`, payload: SPEC_JSON, type: 'application/json' },
  { url: `/sweeps/${SWEEP_ID}/cancel` },
  { url: `/sweeps/${SWEEP_ID}/retry` },
];

describe('roles', () => {
  let app: FastifyInstance;
  before(async () => {
    ({ app } = makeApp({ SWEEPQ_API_PROGRAM_TOKEN: PROGRAM }));
    // A route of the program role (no real one yet: a later issue runs user programs).
    app.post('/programs-test', { config: { role: 'program' } }, async () => ({ ok: true }));
    await app.ready();
  });
  after(() => app.close());

  it('orders the roles read < write < program', () => {
    assert.equal(roleAllows('write', 'read'), true);
    assert.equal(roleAllows('program', 'write'), true);
    assert.equal(roleAllows('read', 'write'), false);
    assert.equal(roleAllows('write', 'program'), false);
  });

  // credential → [reads, sensitive reads, writes, program route]
  const table: [string, Record<string, string>, number, number, number, number][] = [
    ['no credential (in-process request: not on the server port)', {}, 401, 401, 401, 401],
    ['a wrong token', bearer('x'.repeat(WRITE.length)), 401, 401, 401, 401],
    ['the read token', bearer(READ), 200, 200, 403, 403],
    ['the write token', bearer(WRITE), 200, 200, 201, 403],
    ['the program token', bearer(PROGRAM), 200, 200, 201, 200],
  ];
  for (const [label, headers, reads, sensitive, writes, program] of table) {
    it(`answers ${reads}/${sensitive}/${writes}/${program} to reads/artefacts/writes/program routes with ${label}`, async () => {
      for (const url of READ_ROUTES) assert.equal((await app.inject({ method: 'GET', url, headers })).statusCode, reads, `GET ${url}`);
      for (const url of SENSITIVE_ROUTES) assert.equal((await app.inject({ method: 'GET', url, headers })).statusCode, sensitive, `GET ${url}`);
      for (const route of WRITE_ROUTES) {
        const res = await app.inject({
          method: 'POST',
          url: route.url,
          headers: { ...headers, ...(route.type === undefined ? {} : { 'content-type': route.type }) },
          ...(route.payload === undefined ? {} : { payload: route.payload }),
        });
        const expected = writes === 201 && (route.url.endsWith('/cancel') || route.url.endsWith('/retry')) ? 200 : writes;
        assert.equal(res.statusCode, expected, `POST ${route.url}: ${res.body}`);
      }
      assert.equal((await app.inject({ method: 'POST', url: '/programs-test', headers })).statusCode, program, 'POST /programs-test');
    });
  }

  it('answers every authentication failure with the same 401 body and WWW-Authenticate: Bearer', async () => {
    for (const headers of [{}, bearer('nope'), { authorization: `Basic ${WRITE}` }, { authorization: WRITE }, bearer(`${WRITE}x`)]) {
      const res = await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), UNAUTHORIZED);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
    }
  });

  it('answers 403 FORBIDDEN naming the roles when a valid read token tries a write', async () => {
    const res = await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: bearer(READ) });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'FORBIDDEN');
    assert.match(res.json().error.message, /read role.*needs the write role/);
  });

  it('refuses to register a route that declares no role', async () => {
    const { app: other } = makeApp();
    assert.throws(() => other.get('/undeclared', async () => ({})), /declares no role/);
    await other.close();
  });

  it('gives route plugins requireRole(role) as a hook', async () => {
    const { app: other } = makeApp();
    other.get('/plugin-route', { config: { role: 'public' }, onRequest: other.sweepqAuth.requireRole('write') }, async () => ({ ok: true }));
    await other.ready();
    assert.equal((await other.inject({ method: 'GET', url: '/plugin-route' })).statusCode, 401);
    assert.equal((await other.inject({ method: 'GET', url: '/plugin-route', headers: bearer(READ) })).statusCode, 403);
    assert.equal((await other.inject({ method: 'GET', url: '/plugin-route', headers: bearer(WRITE) })).statusCode, 200);
    await other.close();
  });
});

describe('createTokenMatcher', () => {
  const match = createTokenMatcher({ read: READ, write: WRITE });
  const cases: [string, string | undefined, string | undefined][] = [
    ['the write token', `Bearer ${WRITE}`, 'write'],
    ['the read token, lowercase scheme', `bearer ${READ}`, 'read'],
    ['no header', undefined, undefined],
    ['a prefix of a token', `Bearer ${WRITE.slice(0, 10)}`, undefined],
    ['a token plus a character', `Bearer ${READ}x`, undefined],
    ['a token without scheme', WRITE, undefined],
    ['an empty bearer', 'Bearer ', undefined],
  ];
  for (const [label, header, role] of cases) it(`returns ${role ?? 'nothing'} for ${label}`, () => assert.equal(match(header), role));
  it('matches no role that has no token', () => assert.equal(createTokenMatcher({ write: WRITE })('Bearer '), undefined));
});

describe('the loopback rule and the Host allowlist (real socket)', () => {
  let app: FastifyInstance;
  let port: number;
  before(async () => {
    ({ app } = makeApp());
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  after(() => app.close());

  it('serves reads without a token when bound to loopback and the Host is a loopback name with the server port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const res = await raw(port, { path: `/sweeps/${SWEEP_ID}`, headers: { host } });
      assert.equal(res.status, 200, `Host ${host}: ${res.body}`);
    }
  });

  it('refuses anonymous reads with the Host of another port, and anonymous artefact downloads always', async () => {
    const other = await raw(port, { path: `/sweeps/${SWEEP_ID}`, headers: { host: `127.0.0.1:${port === 65_535 ? 1 : port + 1}` } });
    assert.equal(other.status, 401);
    for (const path of SENSITIVE_ROUTES) {
      const res = await raw(port, { path, headers: { host: `127.0.0.1:${port}` } });
      assert.equal(res.status, 401, path);
      assert.deepEqual(JSON.parse(res.body), UNAUTHORIZED);
      assert.equal((await raw(port, { path, headers: { host: `127.0.0.1:${port}`, ...bearer(READ) } })).status, 200, `${path} with the read token`);
    }
  });

  it('refuses a wrong token on loopback instead of falling back to anonymous', async () => {
    assert.equal((await raw(port, { path: `/sweeps/${SWEEP_ID}`, headers: { host: `127.0.0.1:${port}`, ...bearer('wrong-token-0123456789') } })).status, 401);
  });

  const hostile = [
    'attacker.example',
    `attacker.example:${0}`,
    'localhost.attacker.example:PORT',
    '127.0.0.1.nip.io:PORT',
    '2130706433:PORT',
    '[::2]:PORT',
    '0.0.0.0:PORT',
    '127.0.0.1@attacker.example',
    '127.0.0.1:PORT/x',
    '',
  ];
  for (const template of hostile) {
    it(`answers Host ${JSON.stringify(template)} with 421 INVALID_HOST before any route runs, even with a token`, async () => {
      const host = template.replace('PORT', String(port));
      for (const [method, path, body] of [
        ['GET', `/sweeps/${SWEEP_ID}`, undefined],
        ['POST', `/sweeps/${SWEEP_ID}/cancel`, undefined],
        ['GET', '/nope', undefined],
      ] as const) {
        const res = await raw(port, { method, path, headers: { host, ...bearer(WRITE) }, ...(body === undefined ? {} : { body }) });
        assert.equal(res.status, 421, `${method} ${path} Host ${host}: ${res.body}`);
        assert.equal(JSON.parse(res.body).error.code, 'INVALID_HOST');
      }
    });
  }

  it('answers /healthz whatever the Host (probes address pods by IP)', async () => {
    assert.equal((await raw(port, { path: '/healthz', headers: { host: '10.1.2.3:8080' } })).status, 200);
  });

  it('needs a token for reads when SWEEPQ_REQUIRE_AUTH_FOR_READS is set, even on loopback', async () => {
    const { app: locked } = makeApp({ SWEEPQ_REQUIRE_AUTH_FOR_READS: 'true' });
    await locked.listen({ host: '127.0.0.1', port: 0 });
    const lockedPort = (locked.server.address() as AddressInfo).port;
    try {
      assert.equal((await raw(lockedPort, { path: `/sweeps/${SWEEP_ID}`, headers: { host: `127.0.0.1:${lockedPort}` } })).status, 401);
      assert.equal((await raw(lockedPort, { path: `/sweeps/${SWEEP_ID}`, headers: { host: `127.0.0.1:${lockedPort}`, ...bearer(READ) } })).status, 200);
    } finally {
      await locked.close();
    }
  });

  it('needs a token for reads when bound to a non-loopback address (HOST=0.0.0.0)', async () => {
    const { app: exposed } = makeApp({ HOST: '0.0.0.0', PORT: '0' });
    try {
      assert.equal((await exposed.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: { host: '127.0.0.1' } })).statusCode, 401);
      assert.equal(
        (await exposed.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: { host: 'scheduler.internal' } })).statusCode,
        421,
        'HOST=0.0.0.0 adds no name to the allowlist',
      );
    } finally {
      await exposed.close();
    }
  });

  it('answers the names of SWEEPQ_ALLOWED_HOSTS (host, host:port, *) and only those', async () => {
    const { app: named } = makeApp({ SWEEPQ_ALLOWED_HOSTS: 'sweepq.internal, ci.example:8443' });
    try {
      const get = (host: string): Promise<number> =>
        named.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: { host, ...bearer(READ) } }).then((r) => r.statusCode);
      assert.equal(await get('sweepq.internal:9000'), 200);
      assert.equal(await get('ci.example:8443'), 200);
      assert.equal(await get('ci.example:8444'), 421);
      assert.equal(await get('localhost:8080'), 421, 'an explicit list replaces the default');
    } finally {
      await named.close();
    }
    const { app: any } = makeApp({ SWEEPQ_ALLOWED_HOSTS: '*' });
    assert.equal((await any.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: { host: 'whatever.example', ...bearer(READ) } })).statusCode, 200);
    await any.close();
  });
});

describe('host parsing', () => {
  const cases: [string | undefined, ReturnType<typeof parseHostHeader>][] = [
    ['localhost:8080', { hostname: 'localhost', port: 8080 }],
    ['LocalHost.', { hostname: 'localhost', port: 80 }],
    ['[::1]:9', { hostname: '[::1]', port: 9 }],
    ['127.0.0.1:0', undefined],
    ['127.0.0.1:70000', undefined],
    ['a b', undefined],
    ['user@host', undefined],
    ['host/path', undefined],
    [undefined, undefined],
  ];
  for (const [value, expected] of cases) it(`parses ${JSON.stringify(value)}`, () => assert.deepEqual(parseHostHeader(value), expected));

  it('matches allowlist entries with and without a port', () => {
    const list = new HostAllowlist(['localhost', 'api.example:443', '[::1]']);
    assert.ok(list.check('localhost:1234'));
    assert.ok(list.check('api.example:443'));
    assert.equal(list.check('api.example'), undefined);
    assert.ok(list.check('[::1]:80'));
  });

  const origins: [string | undefined, string, 'http' | 'https', boolean][] = [
    ['http://localhost', 'localhost:80', 'http', true],
    ['http://LOCALHOST:8080', 'localhost:8080', 'http', true],
    ['http://[::1]:8080', '[::1]:8080', 'http', true],
    ['https://sweepq.example', 'sweepq.example', 'https', true],
    ['https://localhost:8080', 'localhost:8080', 'http', false],
    ['http://localhost:8081', 'localhost:8080', 'http', false],
    ['http://localhost:8080.attacker.example', 'localhost:8080', 'http', false],
    ['null', 'localhost:8080', 'http', false],
    [undefined, 'localhost:8080', 'http', false],
  ];
  for (const [origin, host, protocol, expected] of origins) {
    it(`${expected ? 'accepts' : 'refuses'} Origin ${String(origin)} for Host ${host} over ${protocol}`, () =>
      assert.equal(isSameOrigin(origin, host, protocol), expected));
  }

  it('knows loopback bind addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.equal(isLoopbackBindAddress(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) assert.equal(isLoopbackBindAddress(host), false, host);
  });
});

/** The `name=value` pairs of Set-Cookie headers, and the attributes of each. */
function cookiesOf(headers: Record<string, unknown>): Map<string, { value: string; attributes: string[] }> {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const out = new Map<string, { value: string; attributes: string[] }>();
  for (const cookie of list) {
    const [pair, ...attributes] = cookie.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    out.set(pair!.slice(0, eq), { value: pair!.slice(eq + 1), attributes });
  }
  return out;
}

describe('browser sessions', () => {
  let app: FastifyInstance;
  let service: MemoryClient;
  before(async () => {
    ({ app, service } = makeApp());
    await app.ready();
  });
  after(() => app.close());

  /** Opens a session with `token`; returns what a browser would send back. */
  async function login(token: string): Promise<{ cookie: string; csrf: string; sessionValue: string }> {
    const res = await app.inject({ method: 'POST', url: '/auth/session', headers: bearer(token) });
    assert.equal(res.statusCode, 201, res.body);
    const cookies = cookiesOf(res.headers);
    const session = cookies.get('sweepq_session')!;
    const csrf = cookies.get('sweepq_csrf')!;
    assert.equal(res.json().csrfToken, csrf.value);
    return { cookie: `sweepq_session=${session.value}; sweepq_csrf=${csrf.value}`, csrf: csrf.value, sessionValue: session.value };
  }

  const origin = { origin: 'http://localhost:80', host: 'localhost:80' };

  it('exchanges a bearer token for an HttpOnly, SameSite=Strict session cookie and a script-readable CSRF cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/auth/session', headers: bearer(WRITE) });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['cache-control'], 'no-store');
    const cookies = cookiesOf(res.headers);
    const session = cookies.get('sweepq_session')!;
    assert.match(session.value, /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/, 'random id + signature');
    assert.ok(session.attributes.includes('HttpOnly'));
    assert.ok(session.attributes.includes('SameSite=Strict'));
    assert.ok(session.attributes.includes('Path=/'));
    const csrf = cookies.get('sweepq_csrf')!;
    assert.ok(!csrf.attributes.includes('HttpOnly'), 'the page reads the CSRF cookie');
    assert.ok(csrf.attributes.includes('SameSite=Strict'));
    assert.equal(res.json().role, 'write');
  });

  it('does not open a session from a cookie or anonymously (bearer only)', async () => {
    const { cookie, csrf } = await login(WRITE);
    assert.equal((await app.inject({ method: 'POST', url: '/auth/session', headers: { cookie, 'x-csrf-token': csrf, ...origin } })).statusCode, 401);
    assert.equal((await app.inject({ method: 'POST', url: '/auth/session' })).statusCode, 401);
  });

  it('serves reads to the session, with its role', async () => {
    const { cookie } = await login(READ);
    const res = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().role, 'read');
    assert.equal(res.json().via, 'session');
    assert.equal((await app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: { cookie } })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: SENSITIVE_ROUTES[0]!, headers: { cookie } })).statusCode, 200);
  });

  it('lets a cookie-authenticated mutation through only with a same-origin Origin and the matching CSRF header', async () => {
    const { cookie, csrf } = await login(WRITE);
    const other = await login(WRITE);
    const cancel = (headers: Record<string, string>) => app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: { cookie, ...headers } });
    const before = service.calls.length;
    const refused: [string, Record<string, string>][] = [
      ['no Origin, no token', { host: origin.host }],
      ['no CSRF header', origin],
      ['no Origin', { host: origin.host, 'x-csrf-token': csrf }],
      ['a cross-site Origin', { host: origin.host, origin: 'http://attacker.example', 'x-csrf-token': csrf }],
      ['Origin "null"', { host: origin.host, origin: 'null', 'x-csrf-token': csrf }],
      ['an https Origin for an http request', { host: origin.host, origin: 'https://localhost:80', 'x-csrf-token': csrf }],
      ['a wrong CSRF header', { ...origin, 'x-csrf-token': 'A'.repeat(43) }],
      [
        "another session's CSRF token (cookie and header agree)",
        { ...origin, 'x-csrf-token': other.csrf, cookie: `sweepq_session=${cookie.split(';')[0]!.split('=')[1]}; sweepq_csrf=${other.csrf}` },
      ],
    ];
    for (const [label, headers] of refused) {
      const res = await cancel(headers);
      assert.equal(res.statusCode, 403, `${label}: ${res.body}`);
      assert.equal(res.json().error.code, 'FORBIDDEN', label);
    }
    assert.equal(service.calls.length, before, 'the service was not reached');
    const ok = await cancel({ ...origin, 'x-csrf-token': csrf });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it('exempts bearer requests from the CSRF checks', async () => {
    assert.equal((await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: bearer(WRITE) })).statusCode, 200);
  });

  it('keeps the role of the token a session was made from: a read session cannot write', async () => {
    const { cookie, csrf } = await login(READ);
    const res = await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: { cookie, ...origin, 'x-csrf-token': csrf } });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().error.message, /read role/);
  });

  it('ignores a forged, tampered or unknown session cookie (401 when a credential is needed)', async () => {
    const { sessionValue } = await login(WRITE);
    const [id, signature] = sessionValue.split('.') as [string, string];
    const forged = [`${id}.${'A'.repeat(43)}`, `${'B'.repeat(43)}.${signature}`, id, `${id}.${signature}x`, 'garbage'];
    for (const value of forged) {
      const res = await app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: { cookie: `sweepq_session=${value}` } });
      assert.equal(res.statusCode, 401, value);
    }
  });

  it('ends a session on DELETE /auth/session (CSRF-checked), clearing the cookies', async () => {
    const { cookie, csrf } = await login(WRITE);
    assert.equal((await app.inject({ method: 'DELETE', url: '/auth/session', headers: { cookie } })).statusCode, 403, 'a DELETE is a mutation');
    const res = await app.inject({ method: 'DELETE', url: '/auth/session', headers: { cookie, ...origin, 'x-csrf-token': csrf } });
    assert.equal(res.statusCode, 204);
    assert.equal(cookiesOf(res.headers).get('sweepq_session')!.value, '');
    assert.ok(cookiesOf(res.headers).get('sweepq_session')!.attributes.includes('Max-Age=0'));
    assert.equal((await app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: { cookie } })).statusCode, 401, 'the old cookie is dead');
  });
});

describe('one-time login links', () => {
  let app: FastifyInstance;
  before(async () => {
    ({ app } = makeApp());
    await app.ready();
  });
  after(() => app.close());

  it('makes a link with POST /auth/login-links that sets the session cookie once and redirects to /ui/', async () => {
    const made = await app.inject({
      method: 'POST',
      url: '/auth/login-links',
      headers: { ...bearer(WRITE), 'content-type': 'application/json', host: 'localhost:8080' },
      payload: '{"role":"read"}',
    });
    assert.equal(made.statusCode, 201, made.body);
    const { url, role } = made.json<{ url: string; role: string }>();
    assert.equal(role, 'read');
    assert.match(url, /^http:\/\/localhost:8080\/auth\/login\?ticket=[A-Za-z0-9_-]{43}$/);
    const path = new URL(url).pathname + new URL(url).search;
    const first = await app.inject({ method: 'GET', url: path });
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, '/ui/');
    assert.equal(first.headers['referrer-policy'], 'no-referrer');
    const session = cookiesOf(first.headers).get('sweepq_session')!;
    assert.ok(session.attributes.includes('HttpOnly'));
    const who = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: `sweepq_session=${session.value}` } });
    assert.equal(who.json().role, 'read');
    const again = await app.inject({ method: 'GET', url: path });
    assert.equal(again.statusCode, 401, 'a link works once');
  });

  it('does not let a read token make a write link, nor a session make links', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login-links',
      headers: { ...bearer(READ), 'content-type': 'application/json' },
      payload: '{"role":"write"}',
    });
    assert.equal(res.statusCode, 403);
    const made = await app.inject({
      method: 'POST',
      url: '/auth/login-links',
      headers: { ...bearer(READ), 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(made.json().role, 'read', 'default: the caller role');
  });

  it('makes a link from a bare POST (no body) with the caller role; a bad body says what and how to fix', async () => {
    const bare = await app.inject({ method: 'POST', url: '/auth/login-links', headers: bearer(READ) });
    assert.equal(bare.statusCode, 201, bare.body);
    assert.equal(bare.json().role, 'read');
    for (const [headers, payload, wording] of [
      [
        { 'content-type': 'application/json' },
        '',
        /^the request body is empty while its content-type is application\/json: send a JSON object \(e\.g\. '\{\}'\)/,
      ],
      [{ 'content-type': 'application/json' }, '[1]', /^the body must be a JSON object, got a list \(send content-type: application\/json and an object/],
      [{ 'content-type': 'application/json' }, '{"rol":"read"}', /^unknown body field "rol" \(remove it or check the spelling\)$/],
      [{ 'content-type': 'application/json' }, '{"role":"admin"}', /^body field role must be one of read, write, program, got "admin"$/],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/auth/login-links', headers: { ...bearer(READ), ...headers }, payload });
      assert.equal(res.statusCode, 400, `${payload}: ${res.body}`);
      assert.match(res.json().error.message, wording, payload);
    }
  });

  it('refuses unknown and malformed tickets with 401', async () => {
    for (const ticket of ['A'.repeat(43), 'short', '../../x']) {
      assert.equal((await app.inject({ method: 'GET', url: `/auth/login?ticket=${encodeURIComponent(ticket)}` })).statusCode, 401, ticket);
    }
  });

  it('exposes createLoginLink(role) to in-process callers (sweepq ui)', async () => {
    const link = app.sweepqAuth.createLoginLink('write');
    const res = await app.inject({ method: 'GET', url: link.path });
    assert.equal(res.statusCode, 303);
    const session = cookiesOf(res.headers).get('sweepq_session')!;
    assert.equal((await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: `sweepq_session=${session.value}` } })).json().role, 'write');
  });
});

describe('SessionStore', () => {
  it('expires sessions and tickets, and redeems a ticket once', () => {
    let now = 1_000_000;
    const store = new SessionStore<'read'>({ sessionTtlMs: 60_000, ticketTtlMs: 5000, now: () => now });
    const { cookieValue } = store.create('read', 'token:read');
    assert.equal(store.verify(cookieValue)?.role, 'read');
    now += 60_000;
    assert.equal(store.verify(cookieValue), undefined, 'expired');
    const { ticket } = store.issueTicket('read', 'token:read');
    const late = store.issueTicket('read', 'token:read');
    assert.deepEqual(store.redeemTicket(ticket), { role: 'read', clientKey: 'token:read' });
    assert.equal(store.redeemTicket(ticket), undefined, 'single use');
    now += 5000;
    assert.equal(store.redeemTicket(late.ticket), undefined, 'expired');
  });

  it('is bounded: the oldest sessions go first', () => {
    const store = new SessionStore<'read'>({ sessionTtlMs: 60_000, ticketTtlMs: 5000, maxSessions: 3, maxTickets: 2 });
    const first = store.create('read', 'k').cookieValue;
    for (let i = 0; i < 5; i++) store.create('read', 'k');
    assert.equal(store.size.sessions, 3);
    assert.equal(store.verify(first), undefined);
    for (let i = 0; i < 5; i++) store.issueTicket('read', 'k');
    assert.equal(store.size.tickets, 2);
  });

  it('reads the first cookie of a name and refuses odd values', () => {
    assert.equal(readCookie('a=1; sweepq_session=abc.def; sweepq_session=zzz', 'sweepq_session'), 'abc.def');
    assert.equal(readCookie('sweepq_session="abc"', 'sweepq_session'), undefined);
    assert.equal(readCookie(undefined, 'x'), undefined);
  });
});

describe('rate limits', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a client spends its read budget; writes, other clients and /healthz have their own', async () => {
    const { app } = makeApp({ SWEEPQ_RATE_LIMIT_READS: '3', SWEEPQ_RATE_LIMIT_WRITES: '2', SWEEPQ_RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers });
      for (let i = 0; i < 3; i++) assert.equal((await get(bearer(READ))).statusCode, 200);
      const limited = await get(bearer(READ));
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error.code, 'RATE_LIMITED');
      assert.match(limited.json().error.message, /at most 3 per 60 s/);
      assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
      // The write token is another client; the read budget of the read token does not touch writes.
      assert.equal((await get(bearer(WRITE))).statusCode, 200);
      assert.equal((await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: bearer(WRITE) })).statusCode, 200);
      assert.equal((await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: bearer(WRITE) })).statusCode, 200);
      assert.equal((await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: bearer(WRITE) })).statusCode, 429, 'write budget');
      for (let i = 0; i < 10; i++) assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, '/healthz is exempt');
    } finally {
      await app.close();
    }
  });

  it('counts refused credentials against the address that sends them', async () => {
    const { app } = makeApp({ SWEEPQ_RATE_LIMIT_READS: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: bearer(`guess-${i}-0123456789abcdef`) })).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    } finally {
      await app.close();
    }
  });

  it('turns a budget off with 0', async () => {
    const { app } = makeApp({ SWEEPQ_RATE_LIMIT_READS: '0' });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: bearer(READ) })).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
