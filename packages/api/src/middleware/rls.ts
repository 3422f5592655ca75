import { classifyDbFailure } from '@openhouse/db';

import { recordRetry } from '../metrics';
import { middleware } from '../trpc';

/**
 * The RLS transaction: the rest of the procedure (input validation included) runs inside
 * `withRls`, on one pooled connection, as the caller's request role with their claims, and
 * `ctx.db` is the Drizzle transaction. tRPC's `next()` reports a failure as a result instead of
 * throwing, so a failed result is thrown here to roll the transaction back.
 *
 * A query whose connection turned out dead before BEGIN completed (a backend killed while idle, a
 * restarted server) is run once more on a fresh connection: nothing of it ran, so the caller
 * never notices. Mutations are never retried: whether they ran cannot be known for sure.
 */
export const rlsTransaction = middleware(async ({ ctx, type, path, next }) => {
  const { claims } = ctx;
  if (!claims) throw new Error('rlsTransaction must follow authedProcedure');
  const run = () =>
    ctx.database.withRls(claims, async (db) => {
      const result = await next({ ctx: { db } });
      if (!result.ok) throw result.error;
      return result;
    });
  try {
    return await run();
  } catch (error) {
    if (type !== 'query' || !diedBeforeBegin(error)) throw error;
    recordRetry(path);
    return run();
  }
});

/** The failure, as `withRls` classified it, says the connection was dead before any statement ran. */
function diedBeforeBegin(error: unknown): boolean {
  const failure = classifyDbFailure(error);
  return failure?.phase === 'transaction' && !failure.begun && failure.kind === 'connection_terminated';
}
