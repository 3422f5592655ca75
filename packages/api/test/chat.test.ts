import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const neighbour = seedUser('plot02.meadow-view@northfield.test');
const canalWharfHomeowner = seedUser('plot01.canal-wharf@northfield.test');
const otherTenantHomeowner = seedUser('plot01.quayside-gardens@harbourside.test');
const staffMember = seedUser('staff1@northfield.test');
const scopedStaff = seedUser('staff2@northfield.test'); // Meadow View only
const otherTenantStaff = seedUser('staff1@harbourside.test');

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof homeowner) => callerFor(database, await tokenFor(user));

let threadId: string;

/**
 * Each test starts from the seed (no threads) plus the same two threads, in a database of its own,
 * so that what one test sends or marks read is never counted by another.
 */
beforeEach(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
  const sent = await (
    await as(homeowner)
  ).chat.send({ subject: 'Dripping tap', body: 'The kitchen tap drips constantly.' });
  threadId = sent.threadId;
  await (await as(canalWharfHomeowner)).chat.send({ subject: 'Fence', body: 'A fence panel is loose.' });
});
afterEach(() => testDb.drop());

describe('chat', () => {
  it('shows a homeowner only their own threads', async () => {
    const mine = await (await as(homeowner)).chat.threads();
    expect(mine.items.map((t) => t.subject)).toEqual(['Dripping tap']);
    expect((await (await as(neighbour)).chat.threads()).items).toEqual([]);
    expect(await outcomeOf((await as(neighbour)).chat.history({ threadId }))).toBe('NOT_FOUND');
    expect(await outcomeOf((await as(neighbour)).chat.send({ threadId, body: 'Hi' }))).toBe('NOT_FOUND');
    expect(await outcomeOf((await as(otherTenantHomeowner)).chat.history({ threadId }))).toBe('NOT_FOUND');
  });

  it('gives staff an inbox of their tenant with unread counts, one development when asked or scoped', async () => {
    const inbox = await (await as(staffMember)).chat.threads();
    expect(inbox.items.map((t) => [t.subject, t.unread])).toEqual([
      ['Fence', 1],
      ['Dripping tap', 1],
    ]);
    const oneDevelopment = await (
      await as(staffMember)
    ).chat.threads({ developmentId: homeowner.developmentId!, limit: 20 });
    expect(oneDevelopment.items.map((t) => t.subject)).toEqual(['Dripping tap']);
    expect((await (await as(scopedStaff)).chat.threads()).items.map((t) => t.subject)).toEqual([
      'Dripping tap',
    ]);
    expect((await (await as(otherTenantStaff)).chat.threads()).items).toEqual([]);
  });

  it('lets staff read and answer; opening a thread (markRead) clears its unread count, reading alone does not', async () => {
    const staff = await as(staffMember);
    const history = await staff.chat.history({ threadId });
    expect(history.items.map((m) => [m.body, m.fromStaff])).toEqual([
      ['The kitchen tap drips constantly.', false],
    ]);
    // The thread says who it is with and where.
    expect(history.thread).toMatchObject({
      subject: 'Dripping tap',
      homeowner: { name: homeowner.displayName, email: homeowner.email, contactChannel: 'email' },
      home: { plotNumber: 1, developmentName: 'Meadow View' },
    });
    // A read is only a read: the inbox still counts the message unread.
    expect((await staff.chat.threads()).items.find((t) => t.id === threadId)?.unread).toBe(1);
    const marked = await staff.chat.markRead({ threadId });
    expect(marked.threadId).toBe(threadId);
    expect((await staff.chat.threads()).items.find((t) => t.id === threadId)?.unread).toBe(0);

    await staff.chat.send({ threadId, body: 'A plumber will call on Monday.' });
    const inbox = await staff.chat.threads();
    const line = inbox.items.find((t) => t.id === threadId)!;
    expect(line).toMatchObject({
      unread: 0,
      homeowner: { name: homeowner.displayName },
      home: { plotNumber: 1 },
      lastMessage: { body: 'A plumber will call on Monday.', fromStaff: true },
    });

    const owner = await as(homeowner);
    expect((await owner.chat.threads()).items[0]!.unread).toBe(1);
    const ownerHistory = await owner.chat.history({ threadId });
    expect(ownerHistory.items.map((m) => m.fromStaff)).toEqual([true, false]);
    expect((await owner.chat.threads()).items[0]!.unread).toBe(1);
    await owner.chat.markRead({ threadId });
    expect((await owner.chat.threads()).items[0]!.unread).toBe(0);
    // Staff reading did not mark anything for the homeowner, nor the other way round.
    const [markers] = await testDb.adminQuery<{ staff: Date | null; owner: Date | null }>(
      `select staff_read_at as staff, homeowner_read_at as owner from chat_threads where id = $1`,
      [threadId],
    );
    expect(markers!.staff).not.toBeNull();
    expect(markers!.owner).not.toBeNull();
  });

  it('lets nobody mark another homeowner’s or tenant’s thread read', async () => {
    for (const user of [neighbour, otherTenantHomeowner, otherTenantStaff]) {
      expect(await outcomeOf((await as(user)).chat.markRead({ threadId }))).toBe('NOT_FOUND');
    }
    const [row] = await testDb.adminQuery<{ n: number }>(
      `select count(*)::int as n from chat_threads where id = $1 and homeowner_read_at is null`,
      [threadId],
    );
    // Only the thread's own homeowner set their marker (when they sent the first message).
    expect(row!.n).toBe(0);
  });

  it('leaves the read markers alone on chat.history', async () => {
    const fresh = await (await as(neighbour)).chat.send({ subject: 'Doorbell', body: 'It does not ring.' });
    const before = await testDb.adminQuery(
      `select staff_read_at, homeowner_read_at from chat_threads where id = $1`,
      [fresh.threadId],
    );
    await (await as(staffMember)).chat.history({ threadId: fresh.threadId });
    await (await as(neighbour)).chat.history({ threadId: fresh.threadId });
    expect(
      await testDb.adminQuery(`select staff_read_at, homeowner_read_at from chat_threads where id = $1`, [
        fresh.threadId,
      ]),
    ).toEqual(before);
  });

  it('pages through a long thread newest first without repeats', async () => {
    const owner = await as(homeowner);
    await (await as(staffMember)).chat.send({ threadId, body: 'A plumber will call on Monday.' });
    for (let i = 0; i < 7; i++) await owner.chat.send({ threadId, body: `Follow-up ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof owner.chat.history>> = await owner.chat.history({
        threadId,
        limit: 3,
        cursor,
      });
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    // The first message, the staff reply and the seven follow-ups.
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
  });

  it('refuses empty and over-long messages, naming the field', async () => {
    const owner = await as(homeowner);
    await expect(owner.chat.send({ threadId, body: '   ' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'body: write a message',
    });
    await expect(owner.chat.send({ threadId, body: 'x'.repeat(4001) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'body: at most 4000 characters',
    });
    await expect(owner.chat.send({ body: 'No subject' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'subject: a new thread needs a subject',
    });
  });

  it('does not let staff open a thread, or reply into another tenant’s', async () => {
    await expect((await as(staffMember)).chat.send({ subject: 'Hello', body: 'x' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^threadId: /),
    });
    expect(await outcomeOf((await as(otherTenantStaff)).chat.send({ threadId, body: 'x' }))).toBe(
      'NOT_FOUND',
    );
  });
});
