import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { claimsFor, seedUser } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

import { claimKey, requestHash } from '../src/middleware/idempotency';

/**
 * `Idempotency-Key` on mutations, through the real context, middleware and RLS transaction, on a
 * real Postgres: effects are counted in the tables themselves.
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const neighbour = seedUser('plot02.meadow-view@northfield.test');
const staff = seedUser('staff1@northfield.test');

let testDb: TestDatabase;
let database: Database;

const as = async (user: typeof homeowner, key?: string) =>
  callerFor(database, await tokenFor(user), key === undefined ? {} : { 'idempotency-key': key });

const messagesBy = async (user: typeof homeowner) =>
  Number(
    (
      await testDb.adminQuery<{ n: string }>(`select count(*) as n from chat_messages where author_id = $1`, [
        user.id,
      ])
    )[0]!.n,
  );
const storedKeys = async (user: typeof homeowner, key: string) =>
  Number(
    (
      await testDb.adminQuery<{ n: string }>(
        `select count(*) as n from idempotency_keys where user_id = $1 and key = $2`,
        [user.id, key],
      )
    )[0]!.n,
  );

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
});
afterAll(() => testDb.drop());

describe('Idempotency-Key', () => {
  it('answers a repeat with the first response, and the effect happens once', async () => {
    const before = await messagesBy(homeowner);
    const input = { subject: 'Boiler', body: 'The boiler pressure drops overnight.' };
    const first = await (await as(homeowner, 'repeat-1')).chat.send(input);
    const second = await (await as(homeowner, 'repeat-1')).chat.send(input);
    // What the wire carries, key order included.
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(await messagesBy(homeowner)).toBe(before + 1);
    expect(await storedKeys(homeowner, 'repeat-1')).toBe(1);
  });

  it('answers the same key with a different input 422, with no effect', async () => {
    await (await as(homeowner, 'different-1')).chat.send({ subject: 'Gutter', body: 'Leaking gutter.' });
    const before = await messagesBy(homeowner);
    expect(
      await outcomeOf((await as(homeowner, 'different-1')).chat.send({ subject: 'Gutter', body: 'Other.' })),
    ).toBe('UNPROCESSABLE_CONTENT');
    // Another procedure under the same key is another request too.
    expect(
      await outcomeOf(
        (await as(homeowner, 'different-1')).onboarding.completeStep({ step: 'documents', documentIds: [] }),
      ),
    ).toBe('UNPROCESSABLE_CONTENT');
    expect(await messagesBy(homeowner)).toBe(before);
  });

  it('answers 409 while the first request still holds the key, with no effect', async () => {
    const input = { subject: 'Door', body: 'The back door sticks.' };
    const before = await messagesBy(homeowner);
    // Hold the key as a running first attempt would: inside an open transaction of the same caller.
    const outcome = await database.withRls(claimsFor(homeowner), async (tx) => {
      await claimKey(tx, claimsFor(homeowner), 'running-1', requestHash('chat.send', input));
      return outcomeOf((await as(homeowner, 'running-1')).chat.send(input));
    });
    expect(outcome).toBe('CONFLICT');
    expect(await messagesBy(homeowner)).toBe(before);
    // Once the holder is gone, the key works.
    await (await as(homeowner, 'running-1')).chat.send(input);
    expect(await messagesBy(homeowner)).toBe(before + 1);
  });

  it('never lets concurrent duplicates take effect twice', async () => {
    const input = { subject: 'Window', body: 'A window will not close.' };
    const before = await messagesBy(homeowner);
    const callers = await Promise.all(Array.from({ length: 6 }, () => as(homeowner, 'concurrent-1')));
    const results = await Promise.allSettled(callers.map((caller) => caller.chat.send(input)));
    const answers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const refusals = results.flatMap((result) =>
      result.status === 'rejected' ? [(result.reason as { code?: string }).code] : [],
    );
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers)
      expect(JSON.parse(JSON.stringify(answer))).toEqual(JSON.parse(JSON.stringify(answers[0])));
    for (const code of refusals) expect(code).toBe('CONFLICT');
    expect(await messagesBy(homeowner)).toBe(before + 1);
  });

  it('keeps callers apart: another homeowner or staff member with the same key is independent', async () => {
    const key = 'shared-1';
    await (await as(homeowner, key)).chat.send({ subject: 'Shed', body: 'The shed roof leaks.' });
    const neighbourBefore = await messagesBy(neighbour);
    const theirs = await (await as(neighbour, key)).chat.send({ subject: 'Path', body: 'Cracked path.' });
    expect(await messagesBy(neighbour)).toBe(neighbourBefore + 1);
    const staffBefore = await messagesBy(staff);
    await (await as(staff, key)).chat.send({ threadId: theirs.threadId, body: 'We will look at it.' });
    expect(await messagesBy(staff)).toBe(staffBefore + 1);
    expect(await storedKeys(homeowner, key)).toBe(1);
    expect(await storedKeys(neighbour, key)).toBe(1);
    expect(await storedKeys(staff, key)).toBe(1);
  });

  it('changes nothing without a key: every call takes effect, nothing is stored', async () => {
    const input = { subject: 'Tap', body: 'The bathroom tap drips.' };
    const before = await messagesBy(neighbour);
    const storedBefore = await testDb.adminQuery(`select 1 from idempotency_keys`);
    await (await as(neighbour)).chat.send(input);
    await (await as(neighbour)).chat.send(input);
    expect(await messagesBy(neighbour)).toBe(before + 2);
    expect(await testDb.adminQuery(`select 1 from idempotency_keys`)).toHaveLength(storedBefore.length);
  });

  it('answers a key longer than 255 characters 400, naming the header, and accepts 255', async () => {
    const before = await messagesBy(homeowner);
    const tooLong = as(homeowner, 'k'.repeat(256)).then((caller) =>
      caller.chat.send({ subject: 'Long', body: 'Long key.' }),
    );
    await expect(tooLong).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /Idempotency-Key/ });
    expect(await outcomeOf((await as(homeowner, '')).chat.send({ subject: 'E', body: 'Empty key.' }))).toBe(
      'BAD_REQUEST',
    );
    expect(await messagesBy(homeowner)).toBe(before);
    await (await as(homeowner, 'k'.repeat(255))).chat.send({ subject: 'Long', body: 'Long key.' });
    expect(await messagesBy(homeowner)).toBe(before + 1);
  });

  it('stores nothing for a failed mutation, so a corrected retry with the key runs', async () => {
    expect(
      await outcomeOf(
        (await as(neighbour, 'failed-1')).chat.send({ threadId: crypto.randomUUID(), body: 'x' }),
      ),
    ).toBe('NOT_FOUND');
    expect(await storedKeys(neighbour, 'failed-1')).toBe(0);
  });

  it('replaces a key older than 24 hours instead of replaying it', async () => {
    const input = { subject: 'Fence', body: 'A fence panel is loose.' };
    await (await as(homeowner, 'old-1')).chat.send(input);
    await testDb.adminQuery(
      `update idempotency_keys set created_at = now() - interval '25 hours' where user_id = $1 and key = 'old-1'`,
      [homeowner.id],
    );
    const before = await messagesBy(homeowner);
    await (await as(homeowner, 'old-1')).chat.send(input);
    expect(await messagesBy(homeowner)).toBe(before + 1);
    expect(await storedKeys(homeowner, 'old-1')).toBe(1);
    // Replaced, so fresh again: a further repeat is a replay.
    await (await as(homeowner, 'old-1')).chat.send(input);
    expect(await messagesBy(homeowner)).toBe(before + 1);
  });

  it('leaves queries alone whatever the header', async () => {
    expect(await outcomeOf((await as(homeowner, 'k'.repeat(300))).chat.threads())).toBe('OK');
  });
});

describe('Idempotency-Key on the phased assistant.ask', () => {
  const questionsBy = async (user: typeof homeowner) =>
    Number(
      (
        await testDb.adminQuery<{ n: string }>(
          `select count(*) as n from assistant_questions where user_id = $1`,
          [user.id],
        )
      )[0]!.n,
    );

  it('answers a repeat with the first answer and records the question once', async () => {
    const before = await questionsBy(homeowner);
    const first = await (
      await as(homeowner, 'ask-1')
    ).assistant.ask({ question: 'When are the bins collected?' });
    const second = await (
      await as(homeowner, 'ask-1')
    ).assistant.ask({ question: 'When are the bins collected?' });
    expect(second).toEqual(JSON.parse(JSON.stringify(first)));
    expect(await questionsBy(homeowner)).toBe(before + 1);
    expect(await storedKeys(homeowner, 'ask-1')).toBe(1);
  });

  it('refuses the same key for another question with a 422, recording nothing', async () => {
    await (await as(homeowner, 'ask-2')).assistant.ask({ question: 'Who do I call about the boiler?' });
    const before = await questionsBy(homeowner);
    expect(
      await outcomeOf((await as(homeowner, 'ask-2')).assistant.ask({ question: 'Where is the stopcock?' })),
    ).toBe('UNPROCESSABLE_CONTENT');
    expect(await questionsBy(homeowner)).toBe(before);
  });

  it('records every question asked without a key', async () => {
    const before = await questionsBy(homeowner);
    await (await as(homeowner)).assistant.ask({ question: 'When are the bins collected?' });
    await (await as(homeowner)).assistant.ask({ question: 'When are the bins collected?' });
    expect(await questionsBy(homeowner)).toBe(before + 2);
  });
});
