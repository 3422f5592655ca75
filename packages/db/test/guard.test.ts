import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { assertSafeLoginRole } from '@openhouse/db';

import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

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
});
