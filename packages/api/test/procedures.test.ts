import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { seedData } from '@openhouse/seed';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const neighbour = seedUser('plot02.meadow-view@northfield.test');
const otherTenantHomeowner = seedUser('plot01.quayside-gardens@harbourside.test');
const staffMember = seedUser('staff1@northfield.test');
const scopedStaff = seedUser('staff2@northfield.test');
const otherTenantStaff = seedUser('staff1@harbourside.test');

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof homeowner) => callerFor(database, await tokenFor(user));

// A database of its own per test: what one test writes (notices, events) no other test counts.
beforeEach(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterEach(() => testDb.drop());

describe('noticeboard', () => {
  it('pages through a homeowner’s notices newest first without repeats', async () => {
    const caller = await as(homeowner);
    const seen: { id: string; createdAt: Date }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.noticeboard.list>> = await caller.noticeboard.list({
        limit: 2,
        cursor,
      });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const expected = seedData.notices.filter(
      (n) =>
        n.developmentId === homeowner.developmentId &&
        (n.houseId === null || n.houseId === homeowner.houseId),
    );
    expect(seen.map((n) => n.id).sort()).toEqual(expected.map((n) => n.id).sort());
    const times = seen.map((n) => n.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('rejects a cursor it did not issue', async () => {
    const caller = await as(homeowner);
    await expect(caller.noticeboard.list({ cursor: 'bm9wZQ' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^cursor:/),
    });
  });

  it('lets staff post a house-targeted notice that only that house sees', async () => {
    const notice = await (
      await as(staffMember)
    ).noticeboard.create({
      developmentId: neighbour.developmentId!,
      houseId: neighbour.houseId,
      title: 'Your fence panel is being replaced',
      body: 'The contractor arrives on Friday morning.',
    });
    expect(notice).toMatchObject({ tenantId: staffMember.tenantId, authorId: staffMember.id });
    const seenBy = async (user: typeof homeowner) =>
      (await (await as(user)).noticeboard.list({ limit: 50 })).items.some((n) => n.id === notice.id);
    expect(await seenBy(neighbour)).toBe(true);
    expect(await seenBy(homeowner)).toBe(false);
    expect(await seenBy(otherTenantHomeowner)).toBe(false);
  });

  it('answers a homeowner posting with 403', async () => {
    const caller = await as(homeowner);
    expect(
      await outcomeOf(
        caller.noticeboard.create({ developmentId: homeowner.developmentId!, title: 'x', body: 'y' }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('answers staff posting into another tenant’s development with 404 and writes nothing', async () => {
    const caller = await as(staffMember);
    const error = await caller.noticeboard
      .create({ developmentId: otherTenantHomeowner.developmentId!, title: 'Cross-tenant', body: 'x' })
      .catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'developmentId: not found' });
    expect(await testDb.adminQuery(`select 1 from notices where title = 'Cross-tenant'`)).toEqual([]);
  });

  it('answers development-scoped staff posting outside their development with 403', async () => {
    const otherDevelopment = seedData.developments.find(
      (d) => d.tenantId === scopedStaff.tenantId && d.id !== scopedStaff.developmentId,
    )!;
    const caller = await as(scopedStaff);
    expect(
      await outcomeOf(
        caller.noticeboard.create({ developmentId: otherDevelopment.id, title: 'x', body: 'y' }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('names the field in a validation error', async () => {
    const caller = await as(staffMember);
    await expect(
      caller.noticeboard.create({ developmentId: staffMember.tenantId, title: 'x'.repeat(201), body: 'y' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^title: /) });
  });
});

describe('documents', () => {
  it('publishes a document with its passages, visible to the development', async () => {
    const created = await (
      await as(staffMember)
    ).documents.create({
      developmentId: homeowner.developmentId!,
      title: 'Loft insulation guide',
      category: 'energy',
      body: '# Loft\n\nDo not compress the insulation.\n\n## Hatch\n\nKeep the loft hatch closed.',
    });
    expect(created.passageCount).toBe(2);
    const document = await (await as(homeowner)).documents.get({ id: created.id });
    expect(document.passages.map((p) => p.heading)).toEqual(['Loft', 'Hatch']);
    expect(await outcomeOf((await as(otherTenantHomeowner)).documents.get({ id: created.id }))).toBe(
      'NOT_FOUND',
    );
  });

  it('hides another house’s document behind the same 404 as a missing one', async () => {
    const neighboursDocument = seedData.documents.find((d) => d.houseId === neighbour.houseId)!;
    expect(await outcomeOf((await as(homeowner)).documents.get({ id: neighboursDocument.id }))).toBe(
      'NOT_FOUND',
    );
    expect(await outcomeOf((await as(neighbour)).documents.get({ id: neighboursDocument.id }))).toBe('OK');
  });

  it('lists by category', async () => {
    const page = await (await as(homeowner)).documents.list({ category: 'heating' });
    expect(page.items.map((d) => d.category)).toEqual(['heating']);
  });

  it('refuses a document over the size limit, naming the field', async () => {
    const caller = await as(staffMember);
    await expect(
      caller.documents.create({
        developmentId: homeowner.developmentId!,
        title: 'Huge',
        category: 'misc',
        body: 'x'.repeat(100_001),
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^body: /) });
  });
});

describe('analytics', () => {
  it('records events and summarises them for the tenant’s staff only', async () => {
    await (await as(homeowner)).analytics.track({ name: 'notice.opened', properties: { noticeId: 'n1' } });
    await (await as(neighbour)).analytics.track({ name: 'notice.opened' });
    await (await as(otherTenantHomeowner)).analytics.track({ name: 'notice.opened' });

    const summary = await (await as(staffMember)).analytics.summary({ days: 1 });
    expect(summary.byName).toEqual([{ name: 'notice.opened', events: 2 }]);
    expect(summary.totals).toEqual({ events: 2, activeUsers: 2 });

    const other = await (await as(otherTenantStaff)).analytics.summary({ days: 1 });
    expect(other.totals).toEqual({ events: 1, activeUsers: 1 });
  });

  it('refuses a bad event name with the field named', async () => {
    await expect((await as(homeowner)).analytics.track({ name: 'Drop Table' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^name: /),
    });
  });
});
