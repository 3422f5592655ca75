import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { claimsFor, homeowners, staff } from '@openhouse/harness/identities';
import { pgBouncerUnavailable, startPgBouncer, type PgBouncer } from '@openhouse/harness/pgbouncer';

/**
 * Behind PgBouncer in transaction mode, many client connections share few server connections,
 * and consecutive transactions of one client may run on different servers. Identity must still
 * never cross: everything per-request is transaction-local.
 */

const skipped =
  process.env.TEST_THROUGH_PGBOUNCER === '1'
    ? 'TEST_THROUGH_PGBOUNCER=1 already runs every pool through PgBouncer'
    : pgBouncerUnavailable();
if (skipped) console.log(`[pgbouncer] transaction-mode tests skipped: ${skipped}`);

describe.skipIf(skipped)(
  `through PgBouncer in transaction mode${skipped ? ` (skipped: ${skipped})` : ''}`,
  () => {
    let testDb: TestDatabase;
    let bouncer: PgBouncer;
    let database: Database;

    beforeAll(async () => {
      testDb = await createTestDatabase();
      bouncer = await startPgBouncer(testDb.appUrl, 1);
      // Ten client connections funnelled into ONE server connection.
      database = testDb.connect({ DATABASE_URL: bouncer.url, DB_POOL_MAX: '10' });
    });
    afterAll(async () => {
      await database?.close();
      await bouncer?.stop();
      await testDb?.drop();
    });

    it('300 interleaved calls from 10 identities on one server connection each see only their own identity', async () => {
      const identities = [...[0, 30, 60, 90, 119].map((i) => homeowners[i]!), ...staff.slice(0, 5)];
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, call) => {
          const user = identities[call % identities.length]!;
          return database.withRls(claimsFor(user), async (tx) => {
            const { rows } = await tx.execute(
              sql`select auth.uid() as uid, auth.tenant_id() as tenant, pg_backend_pid() as pid,
                  (select count(*)::int from notices where tenant_id <> auth.tenant_id()) as foreign_rows`,
            );
            return {
              user,
              row: rows[0] as { uid: string; tenant: string; pid: number; foreign_rows: number },
            };
          });
        }),
      );
      for (const { user, row } of results) {
        expect(row.uid).toBe(user.id);
        expect(row.tenant).toBe(user.tenantId);
        expect(row.foreign_rows).toBe(0);
      }
      expect(new Set(results.map(({ row }) => row.pid)).size).toBe(1); // really one server connection
    });

    it('after a failed transaction, the shared server connection carries no claims and no role', async () => {
      await expect(
        database.withRls(claimsFor(homeowners[0]!), async (tx) => {
          await tx.execute(sql`select 1`);
          throw new Error('failed mid-transaction');
        }),
      ).rejects.toThrow('failed mid-transaction');
      const { rows } = await database.pool.query(
        `select current_user as login, current_setting('role') as role,
              coalesce(current_setting('request.jwt.claims', true), '') as claims`,
      );
      expect(rows[0]).toEqual({ login: 'openhouse_app', role: 'none', claims: '' });
    });

    it('keeps the statement timeout, set inside the transaction since PgBouncer drops the start-up one', async () => {
      const short = testDb.connect({ DATABASE_URL: bouncer.url, DB_STATEMENT_TIMEOUT_MS: '100' });
      const outcome = await short
        .withRls(claimsFor(homeowners[0]!), (tx) => tx.execute(sql`select pg_sleep(2)`))
        .then(
          () => 'finished',
          (error: { cause?: { code?: string } }) => error.cause?.code,
        );
      expect(outcome).toBe('57014');
    });
  },
);
