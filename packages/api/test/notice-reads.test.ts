import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';

/**
 * Unread markers kept on the server (migration 0011): noticeboard.list says per notice whether the
 * calling homeowner has opened it, noticeboard.markRead records that they have — their own reads
 * only, of notices they can see.
 */

const plotOne = seedUser('plot01.meadow-view@northfield.test');
const plotTwo = seedUser('plot02.meadow-view@northfield.test');
const plotThree = seedUser('plot03.meadow-view@northfield.test');
const plotFour = seedUser('plot04.meadow-view@northfield.test');
const plotFive = seedUser('plot05.meadow-view@northfield.test');
const otherTenantHomeowner = seedUser('plot01.quayside-gardens@harbourside.test');
const staffMember = seedUser('staff1@northfield.test');

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof plotOne) => callerFor(database, await tokenFor(user));

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterAll(() => testDb.drop());

const unreadOf = async (user: typeof plotOne) =>
  new Map((await (await as(user)).noticeboard.list({ limit: 50 })).items.map((n) => [n.id, n.unread]));

/** The reads stored for `user`, past RLS. */
const storedReads = async (user: typeof plotOne) =>
  (
    await testDb.adminQuery<{ notice_id: string }>(`select notice_id from notice_reads where user_id = $1`, [
      user.id,
    ])
  ).map((row) => row.notice_id);

describe('noticeboard unread markers', () => {
  it('shows every notice unread until the homeowner marks it read, then only that one read', async () => {
    const before = await unreadOf(plotOne);
    expect(before.size).toBeGreaterThan(2);
    expect([...before.values()].every((unread) => unread === true)).toBe(true);
    const [first, second] = [...before.keys()];

    const owner = await as(plotOne);
    expect(await owner.noticeboard.markRead({ ids: [first!] })).toEqual({ read: [first] });
    const after = await unreadOf(plotOne);
    expect(after.get(first!)).toBe(false);
    expect(after.get(second!)).toBe(true);
    expect([...after.values()].filter((unread) => !unread)).toHaveLength(1);
  });

  it('marks a page read at once, and again without change', async () => {
    const owner = await as(plotFive);
    const page = await owner.noticeboard.list({ limit: 3 });
    const ids = page.items.map((n) => n.id);
    expect((await owner.noticeboard.markRead({ ids: [...ids, ids[0]!] })).read.sort()).toEqual(
      [...ids].sort(),
    );
    const [firstRead] = await testDb.adminQuery<{ read_at: Date }>(
      `select read_at from notice_reads where user_id = $1 and notice_id = $2`,
      [plotFive.id, ids[0]],
    );
    expect((await owner.noticeboard.markRead({ ids })).read.sort()).toEqual([...ids].sort());
    const [again] = await testDb.adminQuery<{ read_at: Date }>(
      `select read_at from notice_reads where user_id = $1 and notice_id = $2`,
      [plotFive.id, ids[0]],
    );
    expect(again!.read_at).toEqual(firstRead!.read_at);
    expect((await owner.noticeboard.list({ limit: 3 })).items.every((n) => !n.unread)).toBe(true);
  });

  it('does not count another homeowner’s read as mine', async () => {
    const notice = (await (await as(plotThree)).noticeboard.list({ audience: 'development', limit: 1 }))
      .items[0]!;
    expect(notice.unread).toBe(true);
    await (await as(plotTwo)).noticeboard.markRead({ ids: [notice.id] });
    expect((await unreadOf(plotTwo)).get(notice.id)).toBe(false);
    expect((await unreadOf(plotThree)).get(notice.id)).toBe(true);
  });

  it('marks nothing for a notice the homeowner cannot see', async () => {
    // Plot 1's own notice (sent to their house only) and a notice of another tenant.
    const plotOneOnly = (await (await as(plotOne)).noticeboard.list({ audience: 'house', limit: 1 }))
      .items[0]!;
    const otherTenants = (await (await as(otherTenantHomeowner)).noticeboard.list({ limit: 1 })).items[0]!;
    const intruder = await as(plotFour);
    expect(await intruder.noticeboard.markRead({ ids: [plotOneOnly.id, otherTenants.id] })).toEqual({
      read: [],
    });
    expect(await storedReads(plotFour)).toEqual([]);
  });

  it('is for homeowners: staff see nothing unread and cannot mark anything read', async () => {
    const staff = await as(staffMember);
    const page = await staff.noticeboard.list({ limit: 10 });
    expect(page.items.every((n) => n.unread === false)).toBe(true);
    expect(await outcomeOf(staff.noticeboard.markRead({ ids: [page.items[0]!.id] }))).toBe('FORBIDDEN');
    expect(await storedReads(staffMember)).toEqual([]);
  });

  it('refuses an empty or oversized batch and ids that are not notice links', async () => {
    const owner = await as(plotOne);
    expect(await outcomeOf(owner.noticeboard.markRead({ ids: [] }))).toBe('BAD_REQUEST');
    const many = Array.from({ length: 101 }, () => crypto.randomUUID());
    expect(await outcomeOf(owner.noticeboard.markRead({ ids: many }))).toBe('BAD_REQUEST');
    expect(await outcomeOf(owner.noticeboard.markRead({ ids: ['not-a-uuid'] }))).toBe('BAD_REQUEST');
  });
});
