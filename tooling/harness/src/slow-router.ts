import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { appRouter, createContext, type ContextDeps } from '@openhouse/api';
import { protectedProcedure } from '@openhouse/api/procedures';
import { createCallerFactory, router } from '@openhouse/api/trpc';

/** The app's router plus a procedure that holds its connection for a while, to provoke pool failures. */
export const slowRouter = router({
  app: appRouter,
  slow: protectedProcedure.input(z.object({ seconds: z.number().max(10) })).query(async ({ ctx, input }) => {
    const { rows } = await ctx.db.execute(sql`select pg_backend_pid() as pid, pg_sleep(${input.seconds})`);
    return { pid: (rows[0] as { pid: number }).pid };
  }),
  pid: protectedProcedure.query(async ({ ctx }) => {
    const { rows } = await ctx.db.execute(sql`select pg_backend_pid() as pid`);
    return (rows[0] as { pid: number }).pid;
  }),
});

const createCaller = createCallerFactory(slowRouter);

export async function slowCaller(deps: ContextDeps, token: string) {
  return createCaller(
    await createContext({ headers: new Headers({ authorization: `Bearer ${token}` }), ...deps }),
  );
}
