import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, outcomeOf, tokenFor } from '../../../test/support/api';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { seedUser } from '../../../test/support/identities';

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

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
  const sent = await (
    await as(homeowner)
  ).chat.send({ subject: 'Dripping tap', body: 'The kitchen tap drips constantly.' });
  threadId = sent.threadId;
  await (await as(canalWharfHomeowner)).chat.send({ subject: 'Fence', body: 'A fence panel is loose.' });
});
afterAll(() => testDb.drop());

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

  it('lets staff read and answer; reading clears the unread count, the reply is unread for the homeowner', async () => {
    const staff = await as(staffMember);
    const history = await staff.chat.history({ threadId });
    expect(history.items.map((m) => [m.body, m.fromStaff])).toEqual([
      ['The kitchen tap drips constantly.', false],
    ]);
    await staff.chat.send({ threadId, body: 'A plumber will call on Monday.' });
    const inbox = await staff.chat.threads();
    expect(inbox.items.find((t) => t.id === threadId)?.unread).toBe(0);

    const owner = await as(homeowner);
    expect((await owner.chat.threads()).items[0]!.unread).toBe(1);
    const ownerHistory = await owner.chat.history({ threadId });
    expect(ownerHistory.items.map((m) => m.fromStaff)).toEqual([true, false]);
    expect((await owner.chat.threads()).items[0]!.unread).toBe(0);
  });

  it('pages through a long thread newest first without repeats', async () => {
    const owner = await as(homeowner);
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
