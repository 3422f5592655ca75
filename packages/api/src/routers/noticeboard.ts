import { and, eq } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

import { keyset, pageInput, toPage } from '../pagination';
import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { notices } = schema;

export const noticeboardRouter = router({
  /** Newest first. RLS decides what is visible: a homeowner gets their development's notices and their own house's. */
  list: protectedProcedure
    .input(z.object({ ...pageInput, developmentId: z.uuid().optional() }).default({ limit: 20 }))
    .query(async ({ ctx, input }) => {
      const { after, orderBy } = keyset(notices, input.cursor);
      const rows = await ctx.db
        .select({
          id: notices.id,
          developmentId: notices.developmentId,
          houseId: notices.houseId,
          title: notices.title,
          body: notices.body,
          createdAt: notices.createdAt,
        })
        .from(notices)
        .where(and(after, input.developmentId ? eq(notices.developmentId, input.developmentId) : undefined))
        .orderBy(...orderBy)
        .limit(input.limit + 1);
      return toPage(rows, input.limit);
    }),

  create: developerProcedure
    .input(
      z.object({
        developmentId: z.uuid(),
        houseId: z.uuid().nullish(),
        title: z.string().trim().min(1).max(200),
        body: z.string().trim().min(1).max(10_000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const [notice] = await ctx.db
        .insert(notices)
        .values({
          developmentId: input.developmentId,
          houseId: input.houseId ?? null,
          title: input.title,
          body: input.body,
        })
        .returning();
      return notice!;
    }),
});
