import { middleware } from '../trpc';

/**
 * The RLS transaction: the rest of the procedure (input validation included) runs inside
 * `withRls`, on one pooled connection, as role `authenticated` with the caller's claims, and
 * `ctx.db` is the Drizzle transaction. tRPC's `next()` reports a failure as a result instead of
 * throwing, so a failed result is thrown here to roll the transaction back.
 */
export const rlsTransaction = middleware(({ ctx, next }) => {
  const { claims } = ctx;
  if (!claims) throw new Error('rlsTransaction must follow authedProcedure');
  return ctx.database.withRls(claims, async (db) => {
    const result = await next({ ctx: { db, claims } });
    if (!result.ok) throw result.error;
    return result;
  });
});
