import { afterAll, beforeAll, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { callerFor, tokenFor } from '@openhouse/harness/api';
import { claimsFor, homeowners, seedUser } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * The operations page shows a company its own share of the pool: the connections its requests
 * hold and wait for now, never another company's.
 */

const staff = seedUser('staff1@northfield.test');
const otherStaff = seedUser('staff1@harbourside.test');
const ownHomeowner = homeowners.find((user) => user.tenantId === staff.tenantId)!;

let testDb: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect({ DB_POOL_MAX: '4' });
});
afterAll(() => testDb.drop());

it("counts the caller's company's connections, and only for that company", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const isHolding = new Promise<void>((resolve) => (holding = resolve));
  // One of the company's homeowners holds a transaction open.
  const transaction = database.withRls(claimsFor(ownHomeowner), async () => {
    holding();
    await held;
  });
  await isHolding;
  try {
    const own = await (await callerFor(database, await tokenFor(staff))).operations.pool();
    const other = await (await callerFor(database, await tokenFor(otherStaff))).operations.pool();
    expect(own.tenant).toEqual({ inUse: 1, waiting: 0, shed: 0, waitTimeouts: 0 });
    expect(other.tenant).toEqual({ inUse: 0, waiting: 0, shed: 0, waitTimeouts: 0 });
    expect(own.pool.tenantMax).toBe(3);
  } finally {
    release();
    await transaction;
  }
  const after = await (await callerFor(database, await tokenFor(staff))).operations.pool();
  expect(after.tenant.inUse).toBe(0);
});
