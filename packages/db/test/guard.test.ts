import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { assertSafeLoginRole } from '@openhouse/db';
import { withAdminClient } from '@openhouse/db/admin';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

let testDb: TestDatabase;
beforeEach(async () => {
  testDb = await createTestDatabase();
});
afterEach(() => testDb.drop());

describe('the start-up guard', () => {
  it('accepts the app login role on a migrated database', async () => {
    await expect(assertSafeLoginRole(testDb.connect().pool)).resolves.toBeUndefined();
  });

  it('refuses a superuser login role', async () => {
    const admin = testDb.connect({ DATABASE_URL: testDb.adminUrl });
    await expect(assertSafeLoginRole(admin.pool)).rejects.toThrow(/superuser/);
  });

  it('refuses when a table has RLS off, naming the table', async () => {
    await testDb.adminQuery(`alter table notices no force row level security`);
    await expect(assertSafeLoginRole(testDb.connect().pool)).rejects.toThrow(
      /not enabled and forced on: notices$/,
    );
  });

  it('refuses a new table someone forgot to protect', async () => {
    await testDb.adminQuery(`create table scratch (tenant_id uuid)`);
    await expect(assertSafeLoginRole(testDb.connect().pool)).rejects.toThrow(/scratch/);
  });

  it('refuses a login role that owns the tables', async () => {
    await testDb.adminQuery(`create table owned_by_app (tenant_id uuid)`);
    await testDb.adminQuery(`alter table owned_by_app enable row level security`);
    await testDb.adminQuery(`alter table owned_by_app force row level security`);
    await testDb.adminQuery(`alter table owned_by_app owner to openhouse_app`);
    await expect(assertSafeLoginRole(testDb.connect().pool)).rejects.toThrow(/owns tables \(owned_by_app\)/);
  });

  it('refuses a request role that owns a table', async () => {
    await testDb.adminQuery(`create table owned_by_staff (tenant_id uuid)`);
    await testDb.adminQuery(`alter table owned_by_staff enable row level security`);
    await testDb.adminQuery(`alter table owned_by_staff force row level security`);
    await testDb.adminQuery(`alter table owned_by_staff owner to development_staff`);
    await expect(assertSafeLoginRole(testDb.connect().pool)).rejects.toThrow(
      /request role "development_staff" owns tables/,
    );
  });

  /**
   * Roles are cluster-wide and other test files share the server: the unsafe change exists only
   * inside a transaction that is rolled back, and the guard runs in it as the login role. Another
   * run migrating a template at the same moment may update the same role's catalog row ("tuple
   * concurrently updated"): that attempt is rolled back and made again.
   */
  async function guardAfter(change: string): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withAdminClient(testDb.adminUrl, async (client) => {
          await client.query('begin');
          try {
            await client.query(change);
            await client.query('set local role openhouse_app');
            return await assertSafeLoginRole(client).then(
              () => 'accepted',
              (error: unknown) => error,
            );
          } finally {
            await client.query('rollback');
          }
        });
      } catch (error) {
        if (attempt >= 10 || !/tuple concurrently updated/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  it.each([
    ['bypassrls', /request role "tenant_staff" is a superuser or has BYPASSRLS/],
    ['login', /request role "tenant_staff" can log in/],
  ])('refuses a request role altered to %s', async (attribute, message) => {
    expect(await guardAfter(`alter role tenant_staff ${attribute}`)).toMatchObject({
      message: expect.stringMatching(message),
    });
  });

  it('refuses a login role with BYPASSRLS', async () => {
    expect(await guardAfter('alter role openhouse_app bypassrls')).toMatchObject({
      name: 'GuardError',
      message: 'Refusing to serve: login role "openhouse_app" has BYPASSRLS',
    });
  });

  it.each(['bypassrls', 'superuser'])(
    'refuses when role "authenticated" is altered to %s',
    async (attribute) => {
      expect(await guardAfter(`alter role authenticated ${attribute}`)).toMatchObject({
        name: 'GuardError',
        message: 'Refusing to serve: role "authenticated" is a superuser or has BYPASSRLS',
      });
    },
  );

  it('refuses a database with no tables, saying to migrate', async () => {
    // The migrated schema set aside for the transaction: `public` is empty, the roles are intact.
    expect(await guardAfter('alter schema public rename to migrated; create schema public')).toMatchObject({
      name: 'GuardError',
      message: 'Refusing to serve: the database has no tables; run pnpm db:migrate',
    });
  });

  it('accepts the login role in such a transaction when the change is harmless', async () => {
    // So each refusal above comes from its change, not from how the guard is run.
    expect(await guardAfter('select 1')).toBe('accepted');
  });
});
