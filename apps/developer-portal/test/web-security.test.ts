import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TOKEN_COOKIE } from '@openhouse/auth';

import { TEST_JWT_SECRET, tokenFor } from '@openhouse/harness/api';
import { seedUser } from '@openhouse/harness/identities';
import { startPortal, TEST_METRICS_TOKEN, type NextServer } from '@openhouse/harness/next-server';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * Issue 12's web attacks on a production build of a portal over real HTTP: a cross-site page writing with
 * the visitor's session cookie, a malformed cookie, the metrics endpoint without its token, and
 * a production server asked to serve the dev sign-in.
 */

// Development-scoped staff: their events land in their own development.
const user = seedUser('staff2@northfield.test');
let testDb: TestDatabase;
let server: NextServer;
let token: string;

const env = () => ({
  DATABASE_URL: testDb.appUrl,
  AUTH_JWT_SECRET: TEST_JWT_SECRET,
  DB_POOL_MIN: '1',
  DB_POOL_MAX: '3',
});

beforeAll(async () => {
  testDb = await createTestDatabase();
  token = await tokenFor(user);
  server = await startPortal('developer-portal', env());
});
afterAll(async () => {
  await server?.stop();
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

const track = (headers: Record<string, string>) =>
  fetch(`${server.url}/api/trpc/analytics.track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name: PROBE, properties: {} }),
  });
const withCookie = (value: string) => ({ cookie: `${TOKEN_COOKIE}=${value}` });

describe('cookie-authenticated mutations', () => {
  it('are refused with 403 from another site, and nothing is written', async () => {
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      {},
    ];
    for (const headers of attempts) {
      const response = await track({ ...withCookie(token), ...headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/^Cross-site request refused/);
    }
    expect(await probesWritten()).toBe(0);
  });

  it('are served from the portal’s own origin', async () => {
    const response = await track({
      ...withCookie(token),
      origin: server.url,
      'sec-fetch-site': 'same-origin',
    });
    expect(response.status).toBe(200);
    expect(await probesWritten()).toBe(1);
  });

  it('leave Bearer callers alone: no Origin needed', async () => {
    const response = await track({ authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    expect(await probesWritten()).toBe(2);
  });
});

describe('a malformed session cookie', () => {
  it('is a 401 from the API and a sign-in redirect from a page, never a 500', async () => {
    const api = await fetch(`${server.url}/api/trpc/noticeboard.list`, { headers: withCookie('%E0%A4%A') });
    expect(api.status).toBe(401);
    const body = await api.text();
    expect(body).not.toMatch(/URI malformed|stack/);
    const page = await fetch(`${server.url}/`, { headers: withCookie('%E0%A4%A'), redirect: 'manual' });
    expect(page.status).toBeGreaterThanOrEqual(300);
    expect(page.status).toBeLessThan(400);
  });
});

describe('/api/metrics', () => {
  it('answers 401 without the token and the metrics with it', async () => {
    const refused = await fetch(`${server.url}/api/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toMatch(/openhouse_/);
    const wrong = await fetch(`${server.url}/api/metrics`, { headers: { authorization: 'Bearer guess' } });
    expect(wrong.status).toBe(401);
    const served = await fetch(`${server.url}/api/metrics`, {
      headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    });
    expect(served.status).toBe(200);
    expect(await served.text()).toMatch(/^openhouse_db_pool_max 3$/m);
  });

  it('is a 404 on a production server without METRICS_TOKEN', async () => {
    const bare = await startPortal('developer-portal', { ...env(), METRICS_TOKEN: '' });
    try {
      const response = await fetch(`${bare.url}/api/metrics`, {
        headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
      });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/openhouse_/);
    } finally {
      await bare.stop();
    }
  });
});

describe('dev sign-in on a production build', () => {
  it('is a 404', async () => {
    const response = await fetch(`${server.url}/api/dev/sign-in`, {
      method: 'POST',
      headers: { origin: server.url },
      body: new URLSearchParams({ email: user.email }),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('refuses to start with DEV_SIGN_IN=1, in one line naming it', async () => {
    await expect(startPortal('developer-portal', { ...env(), DEV_SIGN_IN: '1' })).rejects.toThrow(
      /Invalid environment: DEV_SIGN_IN: must not be 1 when NODE_ENV=production/,
    );
  });
});
