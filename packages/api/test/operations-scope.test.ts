import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { reportIdleClientError } from '@openhouse/api';
import { createDatabase, loadDbEnv, poolConfigFromEnv } from '@openhouse/db';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { staff } from '@openhouse/harness/identities';
import { connectApp, createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * The operations page lists recent database failures by procedure: which procedures a tenant
 * calls, when, and how they fail. Staff of one tenant see their own tenant's and the pool's own,
 * never another tenant's.
 */

const [tenantA, tenantB] = [...new Set(staff.map((user) => user.tenantId))];
const staffOf = (tenantId: string | undefined) =>
  staff.find((user) => user.tenantId === tenantId && !user.developmentId)!;
const staffA = staffOf(tenantA);
const staffB = staffOf(tenantB);

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb?.drop());

async function operationsSeenBy(user: typeof staffA) {
  const caller = await callerFor(testDb.connect(), await tokenFor(user));
  return caller.operations.pool();
}

describe('operations.pool', () => {
  it('shows staff their own tenant’s failures and the pool’s, never another tenant’s', async () => {
    // A real failure in tenant B's request: its pool points at a port where nothing listens.
    const unreachable = connectApp('postgres://openhouse_app:x@127.0.0.1:1/openhouse', {
      DB_CONNECTION_TIMEOUT_MS: '1000',
    });
    try {
      const callerB = await callerFor(unreachable, await tokenFor(staffB));
      expect(await outcomeOf(callerB.developments.list())).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await unreachable.close();
    }
    // And one of the pool's own, which belongs to no tenant: an idle pooled connection killed.
    // (On the admin URL, so that it is a real backend even when the tests run through PgBouncer.)
    let idleReported = 0;
    const idlePool = createDatabase(
      poolConfigFromEnv(
        loadDbEnv({ DATABASE_URL: testDb.adminUrl, DB_POOL_MIN: '1', DB_APPLICATION_NAME: 'ops-scope-idle' }),
      ),
      {
        onIdleError: (error) => {
          reportIdleClientError(error, idlePool.stats());
          idleReported++;
        },
      },
    );
    try {
      await idlePool.warm();
      await testDb.adminQuery(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ops-scope-idle'`,
      );
      await expect.poll(() => idleReported).toBe(1);
    } finally {
      await idlePool.close();
    }

    const seenByB = await operationsSeenBy(staffB);
    expect(seenByB.failures).toContainEqual({ kind: 'connect_failed', route: 'developments.list', count: 1 });
    expect(seenByB.recent.map((row) => row.route)).toEqual(
      expect.arrayContaining(['developments.list', 'pool:idle']),
    );

    const seenByA = await operationsSeenBy(staffA);
    expect(seenByA.failures.map((row) => row.route)).toEqual(['pool:idle']);
    expect(seenByA.recent.map((row) => row.route)).toEqual(['pool:idle']);
    expect(JSON.stringify(seenByA)).not.toContain('developments.list');
    // The pool's own numbers are the process's, the same for everyone.
    expect(seenByA.pool).toMatchObject({ max: seenByB.pool.max, min: seenByB.pool.min });
  });
});
