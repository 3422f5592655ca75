import { recordRetry } from '../metrics';
import { middleware } from '../trpc';

/**
 * The RLS transaction: the resolver runs inside `withRls`, on one pooled connection, as the
 * caller's request role with their claims, and `ctx.db` is the Drizzle transaction. The
 * procedure builders attach it last (`procedures.ts`), after input validation. tRPC's `next()`
 * reports a failure as a result instead of throwing, so a failed result is thrown here to roll
 * the transaction back.
 *
 * A query's transaction is read only. A call whose connection broke before anything of it was
 * committed is run again by `withRls` (`replay.ts` in `@openhouse/db`), query or mutation alike,
 * and counted here by route; whether a broken COMMIT took effect is asked of the server, and one
 * whose outcome stays unknown is never run again (`commit_unknown`).
 */
export const rlsTransaction = middleware(({ ctx, path, type, next }) => {
  const { claims } = ctx;
  if (!claims) throw new Error('rlsTransaction must follow authedProcedure');
  return ctx.database.withRls(
    claims,
    async (db) => {
      const result = await next({ ctx: { db } });
      if (!result.ok) throw result.error;
      return result;
    },
    { readOnly: type === 'query', onReplay: () => recordRetry(path) },
  );
});
