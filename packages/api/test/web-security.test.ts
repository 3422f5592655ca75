import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRouter } from '@openhouse/api';
import { handleMetricsRequest, handleTrpcRequest } from '@openhouse/api/server';
import { sessionCookie } from '@openhouse/api/session';
import { TOKEN_COOKIE } from '@openhouse/auth';

import { TEST_JWT_SECRET, tokenFor } from '@openhouse/harness/api';
import { homeowners } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

import { getServerDeps } from '../src/server/deps';
import { metricsAccess } from '../src/server/metrics-route';

/**
 * The web-facing attacks of issue 12 against the portals' real route handlers (the functions
 * their `route.ts` files export), on a real Postgres: a cross-site page writing with the
 * visitor's cookie, a malformed cookie, error answers that would show internals, and the
 * metrics endpoint.
 */

const PORTAL = 'http://portal.test:3000';
const homeowner = homeowners[0]!;
let testDb: TestDatabase;
let token: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  // The route handlers build the process's pool and verifier from the environment on first use.
  process.env.DATABASE_URL = testDb.appUrl;
  process.env.AUTH_JWT_SECRET = TEST_JWT_SECRET;
  process.env.DB_POOL_MIN = '0';
  token = await tokenFor(homeowner);
});
afterAll(async () => {
  await getServerDeps().database.close();
  await testDb?.drop();
});

const PROBE = 'csrf.probe';
const probesWritten = async () =>
  Number(
    (
      await testDb.adminQuery<{ n: string }>(`select count(*) as n from analytics_events where name = $1`, [
        PROBE,
      ])
    )[0]!.n,
  );

/** `analytics.track` as a POST from a browser (or not), with the given headers. */
function track(headers: Record<string, string>) {
  return handleTrpcRequest(
    new Request(`${PORTAL}/api/trpc/analytics.track`, {
      method: 'POST',
      headers: { host: 'portal.test:3000', 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name: PROBE, properties: {} }),
    }),
  );
}
const cookie = (value: string) => ({ cookie: `theme=dark; ${TOKEN_COOKIE}=${value}` });
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { message: string; data: Record<string, unknown> } }).error;

describe('a mutation authenticated by the session cookie', () => {
  it('is refused with 403 from another site, another origin of the same site, or nowhere said', async () => {
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      // The other portal: same site, another origin.
      { origin: 'http://portal.test:3001', 'sec-fetch-site': 'same-site' },
      { origin: 'http://portal.test:3001' },
      { origin: 'null' },
      {},
    ];
    for (const headers of attempts) {
      const response = await track({ ...cookie(token), ...headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await errorOf(response)).message).toMatch(/^Cross-site request refused/);
    }
    expect(await probesWritten()).toBe(0);
  });

  it('is served from the portal’s own page', async () => {
    const before = await probesWritten();
    const sameOrigin: Record<string, string>[] = [
      { origin: PORTAL },
      { 'sec-fetch-site': 'same-origin' },
      { origin: PORTAL, 'sec-fetch-site': 'same-origin' },
      // Behind a proxy that names the public host.
      { origin: 'https://portal.example', 'x-forwarded-host': 'portal.example' },
    ];
    for (const headers of sameOrigin) {
      const response = await track({ ...cookie(token), ...headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
    expect(await probesWritten()).toBe(before + 4);
  });
});

describe('a Bearer token', () => {
  it('writes without an Origin, and from anywhere: no browser attaches it unasked', async () => {
    const before = await probesWritten();
    expect((await track({ authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await track({ authorization: `Bearer ${token}`, origin: 'https://evil.example' })).status).toBe(
      200,
    );
    expect(await probesWritten()).toBe(before + 2);
  });
});

describe('a read authenticated by the cookie', () => {
  it('is served whatever the origin: a GET changes nothing', async () => {
    const response = await handleTrpcRequest(
      new Request(`${PORTAL}/api/trpc/noticeboard.list`, {
        headers: { ...cookie(token), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      }),
    );
    expect(response.status).toBe(200);
  });
});

describe('a malformed cookie', () => {
  it('is a 401, never a 500', async () => {
    for (const value of ['%E0%A4%A', '%', 'not-a-jwt', `${token}%`]) {
      const read = await handleTrpcRequest(
        new Request(`${PORTAL}/api/trpc/noticeboard.list`, { headers: cookie(value) }),
      );
      expect(read.status, value).toBe(401);
      const write = await track({ ...cookie(value), origin: PORTAL });
      expect(write.status, value).toBe(401);
    }
  });
});

describe('error answers', () => {
  it('carry no stack trace outside development', async () => {
    const response = await handleTrpcRequest(new Request(`${PORTAL}/api/trpc/noticeboard.list`));
    expect(response.status).toBe(401);
    const error = await errorOf(response);
    expect(error.message).toBe('Missing bearer token');
    expect(error.data).not.toHaveProperty('stack');
    expect(JSON.stringify(error)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('say nothing of an unexpected error’s own text', async () => {
    // A failure outside any procedure (here, while building the context) reaches the error
    // formatter as it was thrown.
    const response = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: new Request(`${PORTAL}/api/trpc/noticeboard.list`),
      router: appRouter,
      createContext: () => {
        throw new Error('relation "private.secrets" does not exist at 10.0.0.5:5432');
      },
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/secrets|10\.0\.0\.5|stack/);
    expect(JSON.parse(text)).toMatchObject({ error: { message: 'Internal error' } });
  });
});

describe('the session cookie', () => {
  it('is Secure when the request came over HTTPS, directly or through a proxy', () => {
    const over = (url: string, headers: Record<string, string> = {}) =>
      sessionCookie('t', 60, new Request(url, { headers }));
    expect(over('https://portal.example/api/dev/sign-in')).toMatch(/; Secure$/);
    expect(over('http://10.0.0.1:3000/api/dev/sign-in', { 'x-forwarded-proto': 'https' })).toMatch(
      /; Secure$/,
    );
    expect(over('http://localhost:3000/api/dev/sign-in')).not.toMatch(/Secure/);
    expect(over('https://portal.example/x', { 'x-forwarded-proto': 'http' })).not.toMatch(/Secure/);
    expect(over('https://portal.example/x')).toMatch(/HttpOnly; Path=\/; SameSite=Lax/);
  });
});

describe('/api/metrics', () => {
  const METRICS_TOKEN = 'metrics-token-for-this-test-0123456789';
  const scrape = (authorization?: string) =>
    new Request(`${PORTAL}/api/metrics`, { headers: authorization ? { authorization } : {} });

  it('without METRICS_TOKEN: open on a development or test server, a 404 anywhere else', () => {
    expect(metricsAccess(scrape(), { NODE_ENV: 'development' })).toBe('allowed');
    expect(metricsAccess(scrape(), { NODE_ENV: 'test' })).toBe('allowed');
    for (const NODE_ENV of ['production', 'staging', undefined]) {
      expect(metricsAccess(scrape(`Bearer anything`), { NODE_ENV })).toBe('hidden');
    }
  });

  it('with METRICS_TOKEN: only for its Bearer token, in every environment', async () => {
    for (const NODE_ENV of ['production', 'development', 'test']) {
      const env = { NODE_ENV, METRICS_TOKEN };
      expect(metricsAccess(scrape(), env)).toBe('unauthorized');
      expect(metricsAccess(scrape(`Bearer ${METRICS_TOKEN}x`), env)).toBe('unauthorized');
      expect(metricsAccess(scrape(METRICS_TOKEN), env)).toBe('unauthorized');
      expect(metricsAccess(scrape(`Bearer ${METRICS_TOKEN}`), env)).toBe('allowed');
    }

    process.env.METRICS_TOKEN = METRICS_TOKEN;
    try {
      const refused = await handleMetricsRequest(scrape());
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await refused.text()).not.toMatch(/openhouse_/);
      const served = await handleMetricsRequest(scrape(`Bearer ${METRICS_TOKEN}`));
      expect(served.status).toBe(200);
      expect(await served.text()).toMatch(/^openhouse_db_pool_max \d+$/m);
    } finally {
      delete process.env.METRICS_TOKEN;
    }
  });
});
