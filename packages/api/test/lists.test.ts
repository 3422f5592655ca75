import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { seedData } from '@openhouse/seed';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';

/**
 * The lists as staff and homeowners page through them: filters by development and audience,
 * word-prefix search, pages back and forth by cursor, who an item reached; and posting that
 * refuses a home outside the chosen development instead of sending to the wrong place.
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const staffMember = seedUser('staff1@northfield.test');
const scopedStaff = seedUser('staff2@northfield.test'); // Meadow View only
const meadowView = homeowner.developmentId!;
const canalWharf = seedData.developments.find((d) => d.name === 'Canal Wharf')!.id;
const houseIn = (developmentId: string, plot: number) =>
  seedData.houses.find((h) => h.developmentId === developmentId && h.plotNumber === plot)!;

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof homeowner) => callerFor(database, await tokenFor(user));

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterAll(() => testDb.drop());

describe('noticeboard.list', () => {
  it('filters by development and audience, and says who each notice went to', async () => {
    const staff = await as(staffMember);
    const targeted = await staff.noticeboard.list({
      developmentId: canalWharf,
      audience: 'house',
      limit: 50,
    });
    expect(targeted.items.map((n) => n.title).sort()).toEqual(
      [1, 2, 3, 4, 5].map((plot) => `Snagging visit booked for plot ${plot}`).sort(),
    );
    for (const notice of targeted.items) {
      expect(notice.developmentName).toBe('Canal Wharf');
      expect(notice.house).toMatchObject({ plotNumber: expect.any(Number), address: expect.any(String) });
    }
    const everyone = await staff.noticeboard.list({ developmentId: canalWharf, audience: 'development' });
    expect(everyone.items).toHaveLength(4);
    expect(everyone.items.every((n) => n.house === null && n.developmentName === 'Canal Wharf')).toBe(true);
    const oneHome = await staff.noticeboard.list({ houseId: houseIn(canalWharf, 2).id });
    expect(oneHome.items.map((n) => n.title)).toEqual(['Snagging visit booked for plot 2']);
  });

  it('searches titles and messages by word prefix, inside the caller’s scope', async () => {
    const owner = await as(homeowner);
    expect((await owner.noticeboard.list({ q: 'resurf' })).items.map((n) => n.title)).toEqual([
      'Road resurfacing next month',
    ]);
    // "attenuation pond" is only in the message.
    expect((await owner.noticeboard.list({ q: 'attenuation POND' })).items.map((n) => n.title)).toEqual([
      'Play area opening',
    ]);
    // Another house's snagging visit is not found by a homeowner, whatever they search for.
    expect((await owner.noticeboard.list({ q: 'snagging' })).items.map((n) => n.title)).toEqual([
      'Snagging visit booked for plot 1',
    ]);
    // Punctuation is not query syntax.
    expect((await owner.noticeboard.list({ q: "bin's & | !( " })).items.map((n) => n.title)).toEqual([
      'Bin collection day',
    ]);
    expect((await owner.noticeboard.list({ q: 'zzzz' })).items).toEqual([]);
  });

  it('pages older and newer by cursor without gaps or repeats', async () => {
    const staff = await as(staffMember);
    const all = (await staff.noticeboard.list({ limit: 50 })).items.map((n) => n.id);
    expect(all.length).toBeGreaterThan(9);
    const first = await staff.noticeboard.list({ limit: 4 });
    expect(first.previousCursor).toBeUndefined();
    const second = await staff.noticeboard.list({ limit: 4, cursor: first.nextCursor });
    expect(second.previousCursor).toBeNull(); // the page before is the first
    const third = await staff.noticeboard.list({ limit: 4, cursor: second.nextCursor });
    expect([...first.items, ...second.items, ...third.items].map((n) => n.id)).toEqual(all.slice(0, 12));
    const back = await staff.noticeboard.list({ limit: 4, cursor: third.previousCursor });
    expect(back.items.map((n) => n.id)).toEqual(second.items.map((n) => n.id));
  });
});

describe('noticeboard.create and documents.create', () => {
  it('confirm who received the item', async () => {
    const staff = await as(staffMember);
    const plot3 = houseIn(meadowView, 3);
    const notice = await staff.noticeboard.create({
      developmentId: meadowView,
      houseId: plot3.id,
      title: 'Meter reading',
      body: 'Please send us a meter reading.',
    });
    expect(notice.audience).toEqual({
      developmentName: 'Meadow View',
      homes: 1,
      house: { plotNumber: 3, address: plot3.address },
    });
    const everyone = await staff.documents.create({
      developmentId: canalWharf,
      title: 'Estate map',
      category: 'maps',
      body: 'The estate map.',
    });
    expect(everyone.audience).toEqual({ developmentName: 'Canal Wharf', homes: 20, house: null });
  });

  it('refuse a home outside the chosen development and post nothing', async () => {
    const staff = await as(staffMember);
    const error = await staff.noticeboard
      .create({
        developmentId: canalWharf,
        houseId: houseIn(meadowView, 3).id,
        title: 'Wrong place',
        body: 'x',
      })
      .catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', message: 'houseId: plot 3 is not in Canal Wharf' });
    expect(
      await outcomeOf(
        staff.documents.create({
          developmentId: canalWharf,
          houseId: houseIn(meadowView, 3).id,
          title: 'Wrong place',
          category: 'misc',
          body: 'x',
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(await testDb.adminQuery(`select 1 from notices where title = 'Wrong place'`)).toEqual([]);
    expect(await testDb.adminQuery(`select 1 from documents where title = 'Wrong place'`)).toEqual([]);
    expect(
      await outcomeOf(
        (await as(scopedStaff)).noticeboard.create({ developmentId: canalWharf, title: 'x', body: 'y' }),
      ),
    ).toBe('FORBIDDEN');
  });
});

describe('documents.list', () => {
  it('filters by audience and searches titles, saying which home a document is for', async () => {
    const staff = await as(staffMember);
    const packs = await staff.documents.list({ q: 'completion pack', limit: 50 });
    // Plot 3's pack in each development: told apart by development and address.
    const plot3 = packs.items.filter((d) => d.title === 'Completion pack for plot 3');
    expect(plot3.map((d) => d.developmentName).sort()).toEqual(['Canal Wharf', 'Meadow View']);
    expect(plot3.every((d) => d.house?.plotNumber === 3)).toBe(true);
    const guides = await staff.documents.list({ audience: 'development', developmentId: meadowView });
    expect(guides.items).toHaveLength(6);
    const heating = await (await as(homeowner)).documents.list({ q: 'heat' });
    expect(heating.items.map((d) => d.category)).toEqual(['heating']);
  });
});

describe('developments.houses and invites', () => {
  it('tells claimed homes, open codes and who a code is for', async () => {
    const staff = await as(staffMember);
    const plot2 = houseIn(meadowView, 2);
    const issued = await staff.invites.create({ houseId: plot2.id, expiresInDays: 30 });
    expect(issued.house).toEqual({ id: plot2.id, plotNumber: 2, address: plot2.address });
    let homes = await staff.developments.houses({ developmentId: meadowView });
    expect(homes.find((h) => h.id === plot2.id)).toMatchObject({ openInvites: 2, claimed: false });
    const revoked = await staff.invites.revoke({ id: issued.id });
    expect(revoked).toMatchObject({ revoked: true, houseId: plot2.id, codeHint: issued.code.slice(-4) });
    homes = await staff.developments.houses({ developmentId: meadowView });
    expect(homes.find((h) => h.id === plot2.id)).toMatchObject({ openInvites: 1 });
    await expect(staff.invites.revoke({ id: issued.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'id: this code has already been used or revoked',
    });
    // An expired code is not open.
    const expiring = await staff.invites.create({ houseId: plot2.id, expiresInDays: 1 });
    await testDb.adminQuery(`update house_invites set expires_at = now() - interval '1 day' where id = $1`, [
      expiring.id,
    ]);
    homes = await staff.developments.houses({ developmentId: meadowView });
    expect(homes.find((h) => h.id === plot2.id)).toMatchObject({ openInvites: 1 });
  });
});
