import { afterAll, beforeAll, expect, it } from 'vitest';

import { appRouter, createContext } from '@openhouse/api';
import { homeownerPhasedProcedure } from '@openhouse/api/procedures';
import { router, createCallerFactory } from '@openhouse/api/trpc';
import { schema } from '@openhouse/db';

import { tokenFor, verifyToken } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { homeowners } from '@openhouse/harness/identities';

/**
 * A procedure that waits on something other than Postgres holds no pooled connection while it
 * waits: with one connection, other requests are served during the wait.
 */

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

/**
 * The external wait (the model, the upload...) lasts until the test ends it, so the test knows
 * that every slow call is inside it, not merely that some time has passed.
 */
let inExternalWait = 0;
let endExternalWait!: () => void;
let externalWaitOver: Promise<void>;

const testRouter = router({
  app: appRouter,
  slowExternal: homeownerPhasedProcedure.mutation(async ({ ctx }) => {
    const notices = await ctx.database.withRls(ctx.claims, (db) => db.select().from(schema.notices).limit(3));
    inExternalWait++;
    await externalWaitOver;
    inExternalWait--;
    await ctx.database.withRls(ctx.claims, (db) =>
      db
        .insert(schema.analyticsEvents)
        .values({ name: 'external.done', developmentId: ctx.claims.development_id }),
    );
    return notices.length;
  }),
});

it('serves other requests on a one-connection pool while phased procedures wait', async () => {
  const database = testDb.connect({ DB_POOL_MAX: '1', DB_CONNECTION_TIMEOUT_MS: '500' });
  const createCaller = createCallerFactory(testRouter);
  const caller = async (i: number) =>
    createCaller(
      await createContext({
        headers: new Headers({ authorization: `Bearer ${await tokenFor(homeowners[i]!)}` }),
        database,
        verifyToken,
      }),
    );

  externalWaitOver = new Promise<void>((resolve) => (endExternalWait = resolve));
  const slow = Promise.all([0, 1, 2, 3, 4].map(async (i) => (await caller(i)).slowExternal()));
  slow.catch(() => undefined); // awaited below; a failure here is reported there
  try {
    // All five are in their external wait. Had each kept the only connection through its wait, the
    // second could never have got one (it would fail after DB_CONNECTION_TIMEOUT_MS, and this poll).
    await expect.poll(() => inExternalWait, { timeout: 10_000 }).toBe(5);
    const fast = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const page = await (await caller(i)).app.noticeboard.list({ limit: 5 });
        return { served: page.items.length > 0, duringSlowWait: inExternalWait === 5 };
      }),
    );
    expect(fast).toEqual(Array.from({ length: 20 }, () => ({ served: true, duringSlowWait: true })));
  } finally {
    endExternalWait();
  }
  expect(await slow).toEqual([3, 3, 3, 3, 3]);
  expect(await testDb.adminQuery(`select 1 from analytics_events where name = 'external.done'`)).toHaveLength(
    5,
  );
  expect(database.stats()).toMatchObject({ total: 1, idle: 1, waiting: 0 });
});
