import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { callerFor, tokenFor, outcomeOf } from '@openhouse/harness/api';
import { claimsFor, homeowners, staff } from '@openhouse/harness/identities';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

it('every client is back after 1,000 calls mixing success, errors, bad input and timeouts', async () => {
  const database = testDb.connect({ DB_POOL_MAX: '4', DB_STATEMENT_TIMEOUT_MS: '100' });
  const homeowner = homeowners[0]!;
  const developer = staff[0]!;
  const homeownerCaller = await callerFor(database, await tokenFor(homeowner));
  const developerCaller = await callerFor(database, await tokenFor(developer));

  const kinds = [
    // success
    () => homeownerCaller.noticeboard.list({ limit: 5 }),
    () => developerCaller.analytics.summary({ days: 7 }),
    // validation failure (caught by zod inside the transaction)
    () => homeownerCaller.noticeboard.list({ limit: 500 }),
    () => developerCaller.noticeboard.create({ developmentId: 'not-a-uuid', title: '', body: '' }),
    // wrong role
    () => homeownerCaller.analytics.summary({ days: 7 }),
    // thrown mid-transaction by the procedure's own code
    () =>
      database.withRls(claimsFor(homeowner), async (tx) => {
        await tx.execute(sql`select 1`);
        throw new Error('boom');
      }),
    // a database error
    () => database.withRls(claimsFor(homeowner), (tx) => tx.execute(sql`select 1/0`)),
    // statement timeout, cancelled by the server
    () => database.withRls(claimsFor(homeowner), (tx) => tx.execute(sql`select pg_sleep(1)`)),
  ];

  const outcomes = new Map<string, number>();
  for (let batch = 0; batch < 20; batch++) {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        outcomeOf(kinds[(batch * 50 + i) % kinds.length]!()).then((outcome) =>
          outcome === 'boom' ? 'thrown' : outcome,
        ),
      ),
    );
    for (const result of results) outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
  }

  // Every kind of outcome really happened: 1,000 calls = 125 of each of the 8 kinds.
  expect(Object.fromEntries(outcomes)).toEqual({
    OK: 250,
    BAD_REQUEST: 250,
    FORBIDDEN: 125,
    thrown: 125,
    '22012': 125,
    '57014': 125,
  });
  const stats = database.stats();
  expect(stats.waiting).toBe(0);
  expect(stats.total).toBe(stats.idle);
  expect(stats.total).toBeGreaterThan(0);
  expect(stats.total).toBeLessThanOrEqual(4);
  // And the server agrees: no backend of ours is stuck in a transaction.
  const busy = await testDb.adminQuery(
    `select state from pg_stat_activity where datname = current_database() and usename = 'openhouse_app'
       and state <> 'idle'`,
  );
  expect(busy).toEqual([]);
});
