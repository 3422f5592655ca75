import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tokenFor } from '@openhouse/harness/api';
import { startTestPortal, type TestPortal } from '@openhouse/harness/test-portal';
import { seedUser } from '@openhouse/harness/identities';
import type { NextServer } from '@openhouse/harness/next-server';

/** The tenant portal as users reach it: a production build over real HTTP, on a real Postgres. */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
let server: NextServer;
let portal: TestPortal | undefined;

beforeAll(async () => {
  portal = await startTestPortal({
    DB_POOL_MIN: '2',
    DB_POOL_MAX: '5',
  });
  ({ server } = portal);
});
afterAll(() => portal?.stop());

const get = (path: string, token?: string) =>
  fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

describe('GET /api/trpc/noticeboard.list', () => {
  it('answers a homeowner’s Bearer token with their notices', async () => {
    const response = await get(
      `/api/trpc/noticeboard.list?input=${input({ limit: 10 })}`,
      await tokenFor(homeowner),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { items: { title: string }[] } } };
    const titles = body.result.data.items.map((item) => item.title);
    expect(titles).toContain('Welcome to Meadow View');
    expect(titles).toContain('Snagging visit booked for plot 1');
    expect(titles).not.toContain('Snagging visit booked for plot 2');
  });

  it('answers 401 with a message when there is no token', async () => {
    const response = await get('/api/trpc/noticeboard.list');
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe('Missing bearer token');
  });

  it('answers 401 for a forged token', async () => {
    const [header, payload] = (await tokenFor(homeowner)).split('.');
    const response = await get('/api/trpc/noticeboard.list', `${header}.${payload}.forged-signature`);
    expect(response.status).toBe(401);
  });

  it('answers 400 naming the field for bad input', async () => {
    const response = await get(
      `/api/trpc/noticeboard.list?input=${input({ limit: 0 })}`,
      await tokenFor(homeowner),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { message: string; data: { fields: { field: string }[] } };
    };
    expect(body.error.message).toMatch(/^limit: /);
    expect(body.error.data.fields[0]!.field).toBe('limit');
  });

  it('answers 403 to a homeowner calling a staff procedure', async () => {
    const response = await get(
      `/api/trpc/analytics.summary?input=${input({ days: 7 })}`,
      await tokenFor(homeowner),
    );
    expect(response.status).toBe(403);
  });
});

describe('GET /api/health', () => {
  it('shows the pool pre-warmed to DB_POOL_MIN and the configured max', async () => {
    const response = await get('/api/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; pool: Record<string, number> };
    expect(body.status).toBe('ok');
    expect(body.pool).toMatchObject({ max: 5, min: 2, waiting: 0 });
    expect(body.pool.total).toBeGreaterThanOrEqual(2);
  });
});

describe('dev sign-in', () => {
  it('does not exist in production', async () => {
    const response = await fetch(`${server.url}/api/dev/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ email: homeowner.email }),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
