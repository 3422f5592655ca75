import { afterAll, beforeAll, expect, it } from 'vitest';

import { migrate } from '@openhouse/db/migrate';
import { seed } from '@openhouse/seed';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

it('applies nothing the second time and records each migration once', async () => {
  const [before] = await testDb.adminQuery<{ n: number }>(
    `select count(*)::int as n from private.schema_migrations`,
  );
  expect(before!.n).toBeGreaterThanOrEqual(4);
  const applied = await migrate({ adminUrl: testDb.adminUrl, appUrl: testDb.appUrl });
  expect(applied).toEqual([]);
  const [after] = await testDb.adminQuery<{ n: number }>(
    `select count(*)::int as n from private.schema_migrations`,
  );
  expect(after!.n).toBe(before!.n);
});

it('seeds idempotently: a second run adds no rows', async () => {
  const count = async () =>
    (
      await testDb.adminQuery<{ n: number }>(
        `select (select count(*) from notices) + (select count(*) from documents)
            + (select count(*) from document_passages) + (select count(*) from profiles) as n`,
      )
    )[0]!.n;
  const before = Number(await count());
  await seed(testDb.adminUrl);
  expect(Number(await count())).toBe(before);
});

it('refuses a migration edited after it was applied', async () => {
  await testDb.adminQuery(
    `update private.schema_migrations set checksum = 'edited' where name = '0002_tenancy.sql'`,
  );
  await expect(migrate({ adminUrl: testDb.adminUrl })).rejects.toThrow(
    /0002_tenancy\.sql changed after it was applied/,
  );
});
