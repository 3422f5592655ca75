import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';

import { splitQuestion, wordsOf } from '../src/assistant/question';

/**
 * The assistant's ranking and answers on the seeded guides, through the real `assistant.ask`:
 * the cases homeowners reported, synonyms, two questions in one, and questions the guides do not
 * answer. (`pnpm eval:assistant` measures the same over its whole question set.)
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
let testDb: TestDatabase;
let database: Database;
const ask = async (question: string, user = homeowner) =>
  (await callerFor(database, await tokenFor(user))).assistant.ask({ question });

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterAll(() => testDb.drop());

describe('splitting a message into questions', () => {
  it('splits at question marks and at "and" before an asking word, not inside one question', () => {
    expect(splitQuestion('When are the bins collected and where does glass go?')).toEqual([
      'When are the bins collected',
      'where does glass go?',
    ]);
    expect(splitQuestion('How many spaces do I get? Is there a charger?')).toEqual([
      'How many spaces do I get?',
      'Is there a charger?',
    ]);
    expect(splitQuestion('Can I put cardboard and tins in the blue bin?')).toEqual([
      'Can I put cardboard and tins in the blue bin?',
    ]);
    expect(splitQuestion('   ')).toEqual([]);
  });

  it('separates numbers from their units', () => {
    expect(wordsOf('A 2mm crack… at 20°C?')).toEqual(['a', '2', 'mm', 'crack', 'at', '20', 'c']);
  });
});

describe('assistant.ask ranking', () => {
  it('answers the plaster crack from "What is not covered", quoting the sentence', async () => {
    const result = await ask('2mm crack in the plaster… is it covered by the warranty?');
    expect(result.answeredBy).toBe('passages');
    expect(result.citations[0]).toMatchObject({ heading: 'What is not covered' });
    expect(result.answer).toContain('shrinkage cracks in plaster up to 3 mm');
    // The sentence that answers, not the whole section.
    expect(result.answer).not.toContain('Years three to ten');
  });

  it('puts the passage about glass first', async () => {
    const result = await ask('Where does glass go?');
    expect(result.citations[0]).toMatchObject({ heading: 'Which bin is which' });
    expect(result.answer).toContain('Glass goes in the black box.');
    expect(result.answer).not.toContain('green bin');
  });

  it('understands the words homeowners use for what the guides call something else', async () => {
    expect((await ask('What day is rubbish collection?')).citations[0]).toMatchObject({
      heading: 'Bins and recycling',
    });
    expect((await ask('How do I get the internet set up?')).citations[0]).toMatchObject({
      heading: 'Getting connected',
    });
    expect((await ask('How often does the boiler need servicing?')).citations[0]).toMatchObject({
      heading: 'Servicing',
    });
  });

  it('answers two questions in one, in parts, each with its own source first', async () => {
    const result = await ask('When are the bins collected and where does glass go?');
    expect(result.citations.slice(0, 2).map((c) => c.heading)).toEqual([
      'Bins and recycling',
      'Which bin is which',
    ]);
    const [first, second] = result.answer.split('\n\n');
    expect(first).toMatch(/^When are the bins collected\? According to .*Tuesday/);
    expect(second).toMatch(/^Where does glass go\? According to .*black box/);
  });

  it('answers the part it can and says which part it cannot', async () => {
    const result = await ask('Where is the water meter and what is the wifi password?');
    expect(result.answeredBy).toBe('passages');
    expect(result.citations[0]).toMatchObject({ heading: 'Water, electricity and meter readings' });
    expect(result.answer).toContain('What is the wifi password? I don’t know');
  });

  it('says it does not know, citing nothing, for near misses and off-topic questions', async () => {
    for (const question of [
      'What is the wifi password?',
      'Where is the stopcock for the water?',
      'How much council tax will I pay?',
      'Can I paint my front door red?',
    ]) {
      const result = await ask(question);
      expect(result, question).toMatchObject({ answeredBy: 'none', citations: [] });
    }
  });

  it('answers from the homeowner’s own tenant’s guides', async () => {
    const result = await ask(
      'Who do I ring about an urgent leak?',
      seedUser('plot04.quayside-gardens@harbourside.test'),
    );
    expect(result.answer).toContain('0117 555 0202');
    expect(result.answer).not.toContain('0161 555 0101');
  });
});
