import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { seedData } from '@openhouse/seed';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';

/**
 * documents.update, documents.withdraw and documents.republish through the real context, RLS
 * and migration 0010: staff change only their scope's documents, the passages follow the text, and
 * a withdrawn document is gone for homeowners — from the list, from `get` and from the assistant.
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const neighbour = seedUser('plot02.meadow-view@northfield.test');
const tenantStaff = seedUser('staff1@northfield.test');
const developmentStaff = seedUser('staff2@northfield.test'); // Meadow View only
const otherTenantStaff = seedUser('staff1@harbourside.test');
const meadowView = homeowner.developmentId!;
const canalWharf = seedData.developments.find((d) => d.name === 'Canal Wharf')!.id;
const canalWharfHouse = seedData.houses.find((h) => h.developmentId === canalWharf)!;

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof homeowner) => callerFor(database, await tokenFor(user));

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterAll(() => testDb.drop());

/**
 * A development-wide document of Meadow View about an orchard of `fruit`, which no seeded document
 * mentions; each test names its own fruit, so that no test's documents answer another's question.
 */
async function publish(fruit: string, developmentId = meadowView) {
  return (await as(tenantStaff)).documents.create({
    developmentId,
    title: `The ${fruit} orchard`,
    category: 'community',
    body: `# Watering\nThe ${fruit} orchard is watered on Thursdays by the residents’ association.`,
  });
}
const askAbout = (fruit: string) => ({ question: `When is the ${fruit} orchard watered?` });

/** The document as stored, read as the owner (past RLS): what an attempt really changed. */
async function stored(id: string) {
  const [row] = await testDb.adminQuery<{ title: string; body: string; withdrawn_at: Date | null }>(
    `select title, body, withdrawn_at from documents where id = $1`,
    [id],
  );
  return row!;
}

describe('documents.update', () => {
  it('changes the text, replaces the passages and says who the document reaches', async () => {
    const document = await publish('damson');
    const staff = await as(developmentStaff);
    const updated = await staff.documents.update({
      id: document.id,
      title: 'The damson orchard and allotments',
      body: '# Watering\nThe damson orchard is watered on Fridays.\n\n# Allotments\nAllotments open in May.',
    });
    expect(updated).toMatchObject({
      title: 'The damson orchard and allotments',
      passageCount: 2,
      audience: { developmentName: 'Meadow View', house: null },
      withdrawnAt: null,
    });
    expect(updated.updatedAt).toBeInstanceOf(Date);

    const read = await (await as(homeowner)).documents.get({ id: document.id });
    expect(read.title).toBe('The damson orchard and allotments');
    expect(read.passages.map((p) => [p.heading, p.content])).toEqual([
      ['Watering', 'The damson orchard is watered on Fridays.'],
      ['Allotments', 'Allotments open in May.'],
    ]);
    // The assistant answers from the new text only.
    const answer = await (await as(homeowner)).assistant.ask(askAbout('damson'));
    expect(answer.citations[0]?.documentId).toBe(document.id);
    expect(answer.answer).toContain('Fridays');
    expect(answer.answer).not.toContain('Thursdays');
  });

  it('keeps the passages when only the title or category changes', async () => {
    const document = await publish('medlar');
    const before = await (await as(tenantStaff)).documents.get({ id: document.id });
    await (await as(tenantStaff)).documents.update({ id: document.id, category: 'gardens' });
    const after = await (await as(tenantStaff)).documents.get({ id: document.id });
    expect(after.category).toBe('gardens');
    expect(after.passages.map((p) => p.id)).toEqual(before.passages.map((p) => p.id));
  });

  it('sends a document to one home: the other homes no longer see it or its passages', async () => {
    const document = await publish('quince');
    const updated = await (
      await as(developmentStaff)
    ).documents.update({ id: document.id, houseId: homeowner.houseId! });
    expect(updated.audience.house).toMatchObject({ plotNumber: 1 });
    expect((await (await as(homeowner)).documents.get({ id: document.id })).passages).toHaveLength(1);
    expect(await outcomeOf((await as(neighbour)).documents.get({ id: document.id }))).toBe('NOT_FOUND');
    const neighbourAnswer = await (await as(neighbour)).assistant.ask(askAbout('quince'));
    expect(neighbourAnswer.citations.map((c) => c.documentId)).not.toContain(document.id);
  });

  it('refuses a home of another development', async () => {
    const document = await publish('greengage');
    const staff = await as(tenantStaff);
    expect(await outcomeOf(staff.documents.update({ id: document.id, houseId: canalWharfHouse.id }))).toBe(
      'BAD_REQUEST',
    );
    expect((await staff.documents.get({ id: document.id })).houseId).toBeNull();
  });

  it('refuses another tenant’s staff and another development’s staff as if there were no document', async () => {
    const document = await publish('loquat');
    const canalWharfDocument = await publish('loquat', canalWharf);
    const otherTenant = await as(otherTenantStaff);
    const scoped = await as(developmentStaff);
    for (const attempt of [
      () => otherTenant.documents.update({ id: document.id, title: 'Hijacked' }),
      () => otherTenant.documents.withdraw({ id: document.id }),
      () => otherTenant.documents.republish({ id: document.id }),
      () => scoped.documents.update({ id: canalWharfDocument.id, title: 'Hijacked' }),
      () => scoped.documents.withdraw({ id: canalWharfDocument.id }),
    ]) {
      expect(await outcomeOf(attempt())).toBe('NOT_FOUND');
    }
    for (const { id } of [document, canalWharfDocument]) {
      expect(await stored(id)).toMatchObject({ title: 'The loquat orchard', withdrawn_at: null });
    }
  });

  it('refuses homeowners', async () => {
    const document = await publish('mulberry');
    const owner = await as(homeowner);
    for (const attempt of [
      () => owner.documents.update({ id: document.id, title: 'Mine now' }),
      () => owner.documents.withdraw({ id: document.id }),
      () => owner.documents.republish({ id: document.id }),
    ]) {
      expect(await outcomeOf(attempt())).toBe('FORBIDDEN');
    }
    expect(await stored(document.id)).toMatchObject({ title: 'The mulberry orchard', withdrawn_at: null });
  });

  it('refuses an edit that changes nothing or breaks a rule, naming the field', async () => {
    const document = await publish('kumquat');
    const staff = await as(tenantStaff);
    expect(await outcomeOf(staff.documents.update({ id: document.id }))).toBe('BAD_REQUEST');
    await expect(staff.documents.update({ id: document.id, category: 'Not A Slug' })).rejects.toThrow(
      /category/,
    );
    expect(await outcomeOf(staff.documents.update({ id: 'nope', title: 'x' }))).toBe('BAD_REQUEST');
  });
});

describe('documents.withdraw and documents.republish', () => {
  it('hides a withdrawn document from homeowners’ lists, get and assistant; republishing restores it', async () => {
    const document = await publish('persimmon');
    const owner = await as(homeowner);
    const cited = async () =>
      (await owner.assistant.ask(askAbout('persimmon'))).citations.map((c) => c.documentId);
    expect(await cited()).toContain(document.id);

    const withdrawn = await (await as(developmentStaff)).documents.withdraw({ id: document.id });
    expect(withdrawn.withdrawnAt).toBeInstanceOf(Date);
    expect((await owner.documents.list({ limit: 50 })).items.map((d) => d.id)).not.toContain(document.id);
    expect(await outcomeOf(owner.documents.get({ id: document.id }))).toBe('NOT_FOUND');
    const answer = await owner.assistant.ask(askAbout('persimmon'));
    expect(answer.citations.map((c) => c.documentId)).not.toContain(document.id);
    expect(answer.answer).not.toContain('Thursdays');

    // Staff still see it, marked, and can list the withdrawn ones alone.
    const staff = await as(tenantStaff);
    expect((await staff.documents.get({ id: document.id })).withdrawnAt).toBeInstanceOf(Date);
    const withdrawnList = await staff.documents.list({ status: 'withdrawn', limit: 50 });
    expect(withdrawnList.items.map((d) => d.id)).toContain(document.id);
    expect(withdrawnList.items.every((d) => d.withdrawnAt !== null)).toBe(true);
    const published = await staff.documents.list({ status: 'published', limit: 50 });
    expect(published.items.map((d) => d.id)).not.toContain(document.id);

    // Withdrawing again keeps the first time.
    expect((await staff.documents.withdraw({ id: document.id })).withdrawnAt).toEqual(withdrawn.withdrawnAt);

    const republished = await staff.documents.republish({ id: document.id });
    expect(republished.withdrawnAt).toBeNull();
    expect((await owner.documents.get({ id: document.id })).passages.length).toBeGreaterThan(0);
    expect(await cited()).toContain(document.id);
  });

  it('keeps an edited withdrawn document withdrawn, passages included', async () => {
    const document = await publish('mirabelle');
    const staff = await as(developmentStaff);
    await staff.documents.withdraw({ id: document.id });
    const updated = await staff.documents.update({
      id: document.id,
      body: 'The mirabelle orchard is watered on Saturdays.',
    });
    expect(updated.withdrawnAt).toBeInstanceOf(Date);
    expect(updated.passageCount).toBe(1);
    const answer = await (await as(homeowner)).assistant.ask(askAbout('mirabelle'));
    expect(answer.citations.map((c) => c.documentId)).not.toContain(document.id);
    expect(answer.answer).not.toContain('Saturdays');
    const [row] = await testDb.adminQuery<{ withdrawn: boolean }>(
      `select bool_and(withdrawn) as withdrawn from document_passages where document_id = $1`,
      [document.id],
    );
    expect(row!.withdrawn).toBe(true);
  });

  it('takes a withdrawn key document out of onboarding', async () => {
    const owner = await as(homeowner);
    const before = (await owner.onboarding.status()).keyDocuments;
    expect(before.length).toBeGreaterThan(0);
    const key = before[0]!;
    const staff = await as(tenantStaff);
    await staff.documents.withdraw({ id: key.id });
    try {
      expect((await owner.onboarding.status()).keyDocuments.map((d) => d.id)).not.toContain(key.id);
    } finally {
      await staff.documents.republish({ id: key.id });
    }
  });
});
