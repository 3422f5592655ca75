import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { healthResponse, readyResponse } from '@openhouse/api/server';
import type { Database } from '@openhouse/db';
import { claimsFor, homeowners } from '@openhouse/harness/identities';
import { connectApp, createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

import { drain } from '../src/server/drain';

/**
 * Liveness (`/api/health`) and readiness (`/api/ready`) apart: health never touches the
 * database; ready asks it on a connection of its own, never queued behind requests.
 */

let testDb: TestDatabase;
const claims = claimsFor(homeowners[0]!);

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.drop();
});

async function timed(response: Promise<Response> | Response) {
  const startedAt = performance.now();
  const answer = await response;
  return {
    response: answer,
    ms: performance.now() - startedAt,
    body: (await answer.json()) as Record<string, unknown>,
  };
}

describe('with every pooled connection busy', () => {
  it('health answers 200 with the counters and ready answers 200 in milliseconds', async () => {
    const database = testDb.connect({ DB_POOL_MIN: '2', DB_POOL_MAX: '2', DB_CONNECTION_TIMEOUT_MS: '5000' });
    await database.warm();
    const busy = Array.from({ length: 3 }, () =>
      database.withRls(claims, (tx) => tx.execute(sql`select pg_sleep(1.5)`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const health = await timed(healthResponse(database));
      expect(health.response.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', saturated: true });
      expect(health.body.pool).toMatchObject({ total: 2, idle: 0, waiting: 1, max: 2, min: 2 });
      expect(health.ms).toBeLessThan(50);

      const ready = await timed(readyResponse(database));
      expect(ready.response.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready' });
      expect(ready.ms).toBeLessThan(500);
      // Reused: a second check opens nothing new and is as quick.
      const again = await timed(readyResponse(database));
      expect(again.response.status).toBe(200);
      expect(again.ms).toBeLessThan(200);
      expect(database.stats()).toMatchObject({ total: 2, idle: 0 });
    } finally {
      await Promise.all(busy);
    }
  });
});

describe('with the database unreachable', () => {
  it('ready answers 503 saying nothing internal; health still 200', async () => {
    // A port nothing listens on.
    const url = new URL(testDb.appUrl);
    url.port = '1';
    const database: Database = connectApp(url.toString(), { DB_CONNECTION_TIMEOUT_MS: '1000' });
    try {
      const ready = await timed(readyResponse(database));
      expect(ready.response.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable' });
      expect(ready.ms).toBeLessThan(2_500);
      const health = await timed(healthResponse(database));
      expect(health.response.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', pool: { total: 0, waiting: 0 } });
    } finally {
      await database.close();
    }
  });
});

describe('while draining', () => {
  it('both answer 503', async () => {
    const database = testDb.connect();
    drain.draining = true;
    try {
      expect((await healthResponse(database)).status).toBe(503);
      expect((await readyResponse(database)).status).toBe(503);
    } finally {
      drain.draining = false;
    }
    expect((await healthResponse(database)).status).toBe(200);
    expect((await readyResponse(database)).status).toBe(200);
  });
});
