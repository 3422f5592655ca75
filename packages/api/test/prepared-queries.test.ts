import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, tokenFor } from '@openhouse/harness/api';
import { claimsFor, seedUser } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * noticeboard.list runs a query prepared once per connection (`preparedFor` in `@openhouse/db`).
 * On one connection, callers in turn must each get their own answer — the values are filled in
 * per call, never kept in the SQL — and nothing may be left on the server's session that a
 * transaction-mode pooler would hand to someone else.
 */

const first = seedUser('plot01.meadow-view@northfield.test');
const neighbour = seedUser('plot04.meadow-view@northfield.test'); // same development, same SQL
const elsewhere = seedUser('plot04.quayside-gardens@harbourside.test'); // another tenant
const staffMember = seedUser('staff1@northfield.test');

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof first) => callerFor(database, await tokenFor(user));

beforeAll(async () => {
  testDb = await createTestDatabase();
  // One connection: every call below reuses the same prepared queries.
  database = testDb.connect({ DB_POOL_MIN: '0', DB_POOL_MAX: '1' });
});
afterAll(() => testDb.drop());

describe('noticeboard.list prepared once per connection', () => {
  it('answers each caller in turn with their own notices and their own unread markers', async () => {
    const mine = await as(first);
    const page = await mine.noticeboard.list({ limit: 50 });
    // A notice to the whole development: the neighbour sees it too.
    const opened = page.items.find((item) => item.houseId === null)!;
    expect(opened.unread).toBe(true);
    await mine.noticeboard.markRead({ ids: [opened.id] });

    // The same shape of query for a neighbour: the notice is unread for them, read for the first.
    const theirs = await (await as(neighbour)).noticeboard.list({ limit: 50 });
    expect(theirs.items.find((item) => item.id === opened.id)?.unread).toBe(true);
    expect(
      (await mine.noticeboard.list({ limit: 50 })).items.find((item) => item.id === opened.id)?.unread,
    ).toBe(false);
    // Each sees only their own house's notices, not the other's.
    expect(page.items.every((item) => item.houseId === null || item.houseId === first.houseId)).toBe(true);
    expect(theirs.items.every((item) => item.houseId === null || item.houseId === neighbour.houseId)).toBe(
      true,
    );

    // Another tenant's homeowner, then staff, on the same connection.
    const far = await (await as(elsewhere)).noticeboard.list({ limit: 50 });
    expect(far.items.length).toBeGreaterThan(0);
    expect(far.items.every((item) => item.developmentId === elsewhere.developmentId)).toBe(true);
    expect(far.items.some((item) => item.id === opened.id)).toBe(false);
    const staff = await (await as(staffMember)).noticeboard.list({ limit: 50 });
    expect(staff.items.some((item) => item.id === opened.id)).toBe(true);
    expect(staff.items.every((item) => item.unread === false)).toBe(true);
    expect(staff.items.some((item) => far.items.some((other) => other.id === item.id))).toBe(false);
  });

  it('pages with a cursor and filters as its own shapes, beside the first page', async () => {
    const mine = await as(first);
    const everything = await mine.noticeboard.list({ limit: 50 });
    const firstPage = await mine.noticeboard.list({ limit: 2 });
    const secondPage = await mine.noticeboard.list({ limit: 2, cursor: firstPage.nextCursor });
    expect([...firstPage.items, ...secondPage.items].map((item) => item.id)).toEqual(
      everything.items.slice(0, 4).map((item) => item.id),
    );
    const houseOnly = await mine.noticeboard.list({ audience: 'house', limit: 50 });
    expect(houseOnly.items.length).toBeGreaterThan(0);
    expect(houseOnly.items.every((item) => item.houseId === first.houseId)).toBe(true);
    // And the first page again: the cursor's values did not stay behind in its query.
    expect((await mine.noticeboard.list({ limit: 2 })).items).toEqual(firstPage.items);
  });

  it('leaves no named statement on the connection', async () => {
    const statements = await database.withRls(
      claimsFor(first),
      (db) => db.execute<{ name: string }>(sql`select name from pg_prepared_statements`),
      { readOnly: true },
    );
    expect(statements.rows).toEqual([]);
  });
});
