import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { seedData } from '@openhouse/seed';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { homeowners, seedUser } from '@openhouse/harness/identities';

/** assistant.ask without a model: answers composed from the passages RLS lets the homeowner read. */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const plotFour = seedUser('plot04.meadow-view@northfield.test');
const staffMember = seedUser('staff1@northfield.test');

let testDb: TestDatabase;
let database: Database;
const as = async (user: typeof homeowner) => callerFor(database, await tokenFor(user));

/** The documents a homeowner may read: their development's, and their own house's. */
const readableBy = (user: typeof homeowner) =>
  new Set(
    seedData.documents
      .filter(
        (d) => d.developmentId === user.developmentId && (d.houseId === null || d.houseId === user.houseId),
      )
      .map((d) => d.id),
  );

// A database of its own per test: the stored questions of one test are not counted by another.
beforeEach(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterEach(() => testDb.drop());

describe('assistant.ask', () => {
  it('answers from a seeded document, citing it', async () => {
    const result = await (
      await as(homeowner)
    ).assistant.ask({ question: 'Which day are the bins collected?' });
    expect(result.answeredBy).toBe('passages');
    expect(result.answer).toContain('Tuesday');
    expect(result.citations[0]).toMatchObject({
      title: 'Waste and recycling collections — Meadow View',
      snippet: expect.stringContaining('<mark>'),
    });
  });

  it('never cites another house’s or tenant’s document', async () => {
    // Every house's completion pack talks about its alarm code; each homeowner sees only their own.
    const question = 'Where is my alarm code and how many keys did I get?';
    const mine = await (await as(homeowner)).assistant.ask({ question });
    expect(mine.citations.map((c) => c.title)).toContain('Completion pack for plot 1');
    // Plot 4 has no completion pack: the only pack it could cite would be someone else's.
    expect(await (await as(plotFour)).assistant.ask({ question })).toMatchObject({
      answeredBy: 'none',
      citations: [],
    });
    // Homeowners of another tenant each get an answer, citing only what they may read.
    for (const user of homeowners.filter((h) => h.tenantId !== homeowner.tenantId).slice(0, 3)) {
      const result = await (await as(user)).assistant.ask({ question });
      expect(result.citations.length, user.email).toBeGreaterThan(0);
      const readable = readableBy(user);
      for (const citation of result.citations)
        expect(readable.has(citation.documentId), citation.title).toBe(true);
    }
  });

  it('says it does not know, citing nothing, when nothing is relevant', async () => {
    const result = await (await as(homeowner)).assistant.ask({ question: 'What is the capital of France?' });
    expect(result).toMatchObject({ answeredBy: 'none', citations: [] });
    expect(result.answer).toMatch(/^I don’t know/);
  });

  it('stores questions and answers, visible to the asker and to their tenant’s staff', async () => {
    const alarm = 'Where is my alarm code and how many keys did I get?';
    const mine = await as(homeowner);
    for (const question of ['Which day are the bins collected?', alarm, 'What is the capital of France?']) {
      await mine.assistant.ask({ question });
    }
    await (await as(plotFour)).assistant.ask({ question: alarm });

    const history = await mine.assistant.history();
    expect(history.map((h) => h.question).sort()).toEqual(
      ['Which day are the bins collected?', alarm, 'What is the capital of France?'].sort(),
    );
    expect((await (await as(plotFour)).assistant.history()).map((h) => h.question)).toEqual([alarm]);
    const summary = await (await as(staffMember)).analytics.summary({ days: 1 });
    expect(summary.topics).toEqual(
      expect.arrayContaining([
        { topic: 'waste', questions: 1 },
        { topic: 'completion', questions: 1 },
        // France, and plot 4 asking about an alarm code its documents do not mention.
        { topic: 'unanswered', questions: 2 },
      ]),
    );
  });

  it('refuses an empty or over-long question, naming the field, and staff', async () => {
    const caller = await as(homeowner);
    await expect(caller.assistant.ask({ question: '' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'question: ask a question',
    });
    await expect(caller.assistant.ask({ question: 'x'.repeat(501) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'question: at most 500 characters',
    });
    expect(await outcomeOf((await as(staffMember)).assistant.ask({ question: 'Bins?' }))).toBe('FORBIDDEN');
  });

  it('answers from a document staff just published, split into passages', async () => {
    await (
      await as(staffMember)
    ).documents.create({
      developmentId: homeowner.developmentId!,
      title: 'Garden guide',
      category: 'garden',
      body: '# Turf\n\nWater the new turf every evening for the first three weeks.',
    });
    const result = await (
      await as(homeowner)
    ).assistant.ask({ question: 'How often should I water the turf?' });
    expect(result.citations[0]?.title).toBe('Garden guide');
  });
});
