import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { seedInviteCode } from '@openhouse/seed';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const neighbour = seedUser('plot02.meadow-view@northfield.test');
const otherTenantHomeowner = seedUser('plot01.quayside-gardens@harbourside.test');
const staffMember = seedUser('staff1@northfield.test');
const otherTenantStaff = seedUser('staff1@harbourside.test');

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof homeowner) => callerFor(database, await tokenFor(user));
const codeOf = (user: typeof homeowner) => seedInviteCode(user.houseId!);

// A database of its own per test: every test starts from the seed, where nobody is onboarded.
beforeEach(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterEach(() => testDb.drop());

/** Walks `user` through every step, as the wizard does. */
async function onboardFully(user: typeof homeowner) {
  const caller = await as(user);
  await caller.onboarding.completeStep({ step: 'claim', inviteCode: codeOf(user) });
  await caller.onboarding.completeStep({ step: 'profile', displayName: 'Done', contactChannel: 'email' });
  const { keyDocuments } = await caller.onboarding.status();
  await caller.onboarding.completeStep({ step: 'documents', documentIds: keyDocuments.map((d) => d.id) });
}

describe('onboarding', () => {
  it('starts a seeded homeowner at the claim step', async () => {
    const status = await (await as(homeowner)).onboarding.status();
    expect(status).toMatchObject({ completedSteps: [], nextStep: 'claim', done: false });
    expect(status.keyDocuments.map((d) => d.category).sort()).toEqual(['heating', 'snagging', 'warranty']);
  });

  it('refuses steps out of order', async () => {
    const caller = await as(neighbour);
    await expect(
      caller.onboarding.completeStep({ step: 'profile', displayName: 'N', contactChannel: 'email' }),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: 'step: complete "claim" first' });
  });

  it('refuses a wrong code, and a code of another house or tenant, with the same 400', async () => {
    const caller = await as(homeowner);
    for (const inviteCode of ['AAAA-BBBB-CCCC', codeOf(neighbour), codeOf(otherTenantHomeowner)]) {
      await expect(caller.onboarding.completeStep({ step: 'claim', inviteCode })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: 'inviteCode: this is not an invite code for your home',
      });
    }
    await expect(caller.onboarding.completeStep({ step: 'claim', inviteCode: ' ' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^inviteCode: /),
    });
  });

  it('walks claim → profile → documents → done, each step idempotent', async () => {
    const caller = await as(homeowner);
    // Typed loosely: lower case, no dashes.
    const claim = { step: 'claim' as const, inviteCode: codeOf(homeowner).replaceAll('-', '').toLowerCase() };
    expect(await caller.onboarding.completeStep(claim)).toMatchObject({ alreadyDone: false });
    expect(await caller.onboarding.completeStep(claim)).toMatchObject({ alreadyDone: true });

    const profile = {
      step: 'profile' as const,
      displayName: 'Amelia P.',
      contactChannel: 'sms' as const,
      contactPhone: '07700 900123',
    };
    await expect(
      caller.onboarding.completeStep({ ...profile, contactPhone: undefined }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^contactPhone: /) });
    expect(await caller.onboarding.completeStep(profile)).toMatchObject({ alreadyDone: false });
    const repeat = await caller.onboarding.completeStep({ ...profile, displayName: 'Changed' });
    expect(repeat).toMatchObject({ alreadyDone: true });
    const [stored] = await testDb.adminQuery(
      `select display_name, contact_channel, contact_phone from profiles where id = $1`,
      [homeowner.id],
    );
    expect(stored).toEqual({
      display_name: 'Amelia P.',
      contact_channel: 'sms',
      contact_phone: '07700 900123',
    });

    const { keyDocuments } = await caller.onboarding.status();
    await expect(
      caller.onboarding.completeStep({ step: 'documents', documentIds: [keyDocuments[0]!.id] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^documentIds: /) });
    const documentIds = keyDocuments.map((d) => d.id);
    const finished = await caller.onboarding.completeStep({ step: 'documents', documentIds });
    expect(finished).toMatchObject({ alreadyDone: false, status: { done: true, nextStep: null } });
    expect(await caller.onboarding.completeStep({ step: 'documents', documentIds })).toMatchObject({
      alreadyDone: true,
    });
    expect(await caller.onboarding.status()).toMatchObject({
      completedSteps: ['claim', 'profile', 'documents'],
      done: true,
    });
  });

  it('refuses a code that was used, and one that staff revoked', async () => {
    await testDb.adminQuery(`update house_invites set used_at = now(), used_by = $1 where house_id = $2`, [
      staffMember.id,
      neighbour.houseId,
    ]);
    expect(
      await outcomeOf(
        (await as(neighbour)).onboarding.completeStep({ step: 'claim', inviteCode: codeOf(neighbour) }),
      ),
    ).toBe('CONFLICT');

    const staff = await as(staffMember);
    const third = seedUser('plot03.meadow-view@northfield.test');
    const issued = await staff.invites.create({ houseId: third.houseId! });
    expect(issued.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await staff.invites.revoke({ id: issued.id });
    await expect(
      (await as(third)).onboarding.completeStep({ step: 'claim', inviteCode: issued.code }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'inviteCode: this invite code has been revoked',
    });
    // The seeded code still works.
    expect(
      await outcomeOf(
        (await as(third)).onboarding.completeStep({ step: 'claim', inviteCode: codeOf(third) }),
      ),
    ).toBe('OK');
  });

  it('is for homeowners only', async () => {
    expect(await outcomeOf((await as(staffMember)).onboarding.status())).toBe('FORBIDDEN');
  });
});

describe('invites', () => {
  it('stores only a hash, and lists codes by hint for the tenant’s staff only', async () => {
    const house = seedUser('plot04.meadow-view@northfield.test').houseId!;
    const issued = await (await as(staffMember)).invites.create({ houseId: house, expiresInDays: 7 });
    const rows = await testDb.adminQuery(`select code_hash from house_invites where id = $1`, [issued.id]);
    expect(JSON.stringify(rows)).not.toContain(issued.code.replaceAll('-', ''));
    const listed = await (await as(staffMember)).invites.list({ houseId: house });
    expect(listed.map((i) => i.codeHint)).toContain(issued.code.slice(-4));
    expect(await (await as(otherTenantStaff)).invites.list({ houseId: house })).toEqual([]);
    expect(await outcomeOf((await as(otherTenantStaff)).invites.create({ houseId: house }))).toBe(
      'NOT_FOUND',
    );
    expect(await outcomeOf((await as(homeowner)).invites.list({ houseId: house }))).toBe('FORBIDDEN');
  });
});

describe('analytics.summary', () => {
  it('reports the onboarding funnel, active homeowners and notice reach for the tenant', async () => {
    await onboardFully(homeowner);
    const third = seedUser('plot03.meadow-view@northfield.test');
    await (await as(third)).onboarding.completeStep({ step: 'claim', inviteCode: codeOf(third) });
    const notice = (await (await as(homeowner)).noticeboard.list({ limit: 1 })).items[0]!;
    await (
      await as(homeowner)
    ).analytics.track({ name: 'notice.opened', properties: { noticeId: notice.id } });
    await (await as(otherTenantHomeowner)).analytics.track({ name: 'notice.opened' });
    const summary = await (await as(staffMember)).analytics.summary({ days: 1 });
    // Plot 1 finished every step; plot 3 only claimed its home.
    expect(summary.funnel).toEqual({ homeowners: 40, claimed: 2, profiled: 1, acknowledged: 1 });
    expect(summary.activeHomeowners).toBe(1);
    const meadowView = summary.noticeReach.find((row) => row.developmentId === homeowner.developmentId);
    expect(meadowView).toMatchObject({ name: 'Meadow View', homeowners: 20, readers: 1 });
    expect(meadowView!.notices).toBeGreaterThan(0);

    const scoped = await (
      await as(staffMember)
    ).analytics.summary({ days: 1, developmentId: neighbour.developmentId! });
    expect(scoped.noticeReach.map((row) => row.name)).toEqual(['Meadow View']);
    expect(scoped.funnel.homeowners).toBe(20);
  });
});
