import { readdirSync } from 'node:fs';

import { afterEach, beforeEach, expect, it } from 'vitest';

import { migrate } from '@openhouse/db/migrate';
import { seed } from '@openhouse/seed';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

const MIGRATIONS = readdirSync(new URL('../migrations/', import.meta.url)).filter((name) =>
  name.endsWith('.sql'),
);

// A database of its own per test: the last one edits the migration record.
let testDb: TestDatabase;
beforeEach(async () => {
  testDb = await createTestDatabase();
});
afterEach(() => testDb.drop());

it('applies nothing the second time and records each migration once', async () => {
  const recorded = async () =>
    (
      await testDb.adminQuery<{ name: string }>(`select name from private.schema_migrations order by name`)
    ).map((row) => row.name);
  // The template was migrated: every file in migrations/ is recorded, once.
  expect(await recorded()).toEqual([...MIGRATIONS].sort());
  const applied = await migrate({ adminUrl: testDb.adminUrl, appUrl: testDb.appUrl });
  expect(applied).toEqual([]);
  expect(await recorded()).toEqual([...MIGRATIONS].sort());
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
