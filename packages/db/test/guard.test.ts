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

  // Roles are cluster-wide and other test files share the server: the unsafe role exists only
  // inside a transaction that is rolled back, and the guard runs in it as the login role.
  it.each([
    ['bypassrls', /request role "tenant_staff" is a superuser or has BYPASSRLS/],
    ['login', /request role "tenant_staff" can log in/],
  ])('refuses a request role altered to %s', async (attribute, message) => {
    await withAdminClient(testDb.adminUrl, async (client) => {
      await client.query('begin');
      try {
        await client.query(`alter role tenant_staff ${attribute}`);
        await client.query('set local role openhouse_app');
        await expect(assertSafeLoginRole(client)).rejects.toThrow(message);
      } finally {
        await client.query('rollback');
      }
    });
  });
});
