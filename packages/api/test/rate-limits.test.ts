import { afterAll, beforeAll, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { callerFor, outcomeOf, tokenFor } from '@openhouse/harness/api';
import { claimsFor, seedUser } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

import { renderPrometheus } from '../src/metrics';

/**
 * Per-homeowner rate limits on the assistant, through the real context and procedures: past the
 * limit a question is refused with TOO_MANY_REQUESTS before any connection is asked for, and
 * counted; another homeowner is not affected.
 */

const PER_MINUTE = 2;
const homeowner = seedUser('plot03.meadow-view@northfield.test');
const neighbour = seedUser('plot04.meadow-view@northfield.test');

let testDb: TestDatabase;
let database: Database;

beforeAll(async () => {
  process.env.RATE_LIMIT_ASSISTANT_PER_MINUTE = String(PER_MINUTE);
  testDb = await createTestDatabase();
  database = testDb.connect({ DB_POOL_MAX: '1', DB_CONNECTION_TIMEOUT_MS: '10000' });
});
afterAll(async () => {
  delete process.env.RATE_LIMIT_ASSISTANT_PER_MINUTE;
  await testDb.drop();
});

const questionsBy = async (user: typeof homeowner) =>
  Number(
    (
      await testDb.adminQuery<{ n: string }>(
        `select count(*) as n from assistant_questions where user_id = $1`,
        [user.id],
      )
    )[0]!.n,
  );

const limited = async () =>
  Number(
    /openhouse_rate_limited_total\{limit="assistant_ask"\} (\d+)/.exec(
      await renderPrometheus(database.stats()),
    )?.[1] ?? 0,
  );

it(`answers the ${PER_MINUTE + 1}th question in a minute with 429, without waiting for a connection`, async () => {
  const ask = async (user: typeof homeowner) =>
    outcomeOf(
      (await callerFor(database, await tokenFor(user))).assistant.ask({
        question: 'When are the bins collected?',
      }),
    );
  expect([await ask(homeowner), await ask(homeowner)]).toEqual(['OK', 'OK']);
  const before = await questionsBy(homeowner);
  const limitedBefore = await limited();

  // The pool's only connection is held: a call that needed one would wait 10 s, then 503.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const isHolding = new Promise<void>((resolve) => (holding = resolve));
  const holder = database.withRls(claimsFor(neighbour), async () => {
    holding();
    await held;
  });
  await isHolding;
  const refused = await ask(homeowner);
  release();
  await holder;

  expect(refused).toBe('TOO_MANY_REQUESTS');
  expect(await questionsBy(homeowner)).toBe(before);
  expect(await limited()).toBe(limitedBefore + 1);
  // The limit is the homeowner's own.
  expect(await ask(neighbour)).toBe('OK');
});
