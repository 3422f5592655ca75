import { setTimeout as sleep } from 'node:timers/promises';

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

const EXTERNAL_WAIT_MS = 1_000;
const testRouter = router({
  app: appRouter,
  slowExternal: homeownerPhasedProcedure.mutation(async ({ ctx }) => {
    const notices = await ctx.database.withRls(ctx.claims, (db) => db.select().from(schema.notices).limit(3));
    await sleep(EXTERNAL_WAIT_MS); // the model, the upload...
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

  let slowFinished = false;
  const slow = Promise.all([0, 1, 2, 3, 4].map(async (i) => (await caller(i)).slowExternal())).finally(() => {
    slowFinished = true;
  });
  await sleep(50);
  // Had the slow procedures kept the only connection through their wait, these would time out
  // after DB_CONNECTION_TIMEOUT_MS (500 ms) with SERVICE_UNAVAILABLE.
  const fast = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const page = await (await caller(i)).app.noticeboard.list({ limit: 5 });
      return { served: page.items.length > 0, duringSlowWait: !slowFinished };
    }),
  );
  expect(fast).toEqual(Array.from({ length: 20 }, () => ({ served: true, duringSlowWait: true })));
  expect(await slow).toEqual([3, 3, 3, 3, 3]);
  expect(await testDb.adminQuery(`select 1 from analytics_events where name = 'external.done'`)).toHaveLength(
    5,
  );
  expect(database.stats()).toMatchObject({ total: 1, idle: 1, waiting: 0 });
});
