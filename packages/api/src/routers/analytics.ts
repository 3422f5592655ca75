import { and, countDistinct, count, desc, eq, gte, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { analyticsEvents } = schema;

const properties = z
  .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= 20, 'at most 20 properties')
  .default({});

export const analyticsRouter = router({
  /** Records one event for the caller; a homeowner's event is always in their own development. */
  track: protectedProcedure
    .input(
      z.object({
        name: z
          .string()
          .trim()
          .regex(/^[a-z][a-z0-9_.]{0,63}$/, 'lowercase, digits, dots and underscores, up to 64'),
        properties,
        developmentId: z.uuid().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const developmentId =
        ctx.claims.app_role === 'homeowner'
          ? ctx.claims.development_id
          : (input.developmentId ?? ctx.claims.development_id ?? null);
      await ctx.db
        .insert(analyticsEvents)
        .values({ name: input.name, properties: input.properties, developmentId });
      return { recorded: true as const };
    }),

  /** Staff: events by name, active people and events per day over the last `days`. */
  summary: developerProcedure
    .input(
      z
        .object({ days: z.number().int().min(1).max(365).default(30), developmentId: z.uuid().optional() })
        .default({ days: 30 }),
    )
    .query(async ({ ctx, input }) => {
      const since = sql`now() - make_interval(days => ${input.days})`;
      const scope = and(
        gte(analyticsEvents.createdAt, since),
        input.developmentId ? eq(analyticsEvents.developmentId, input.developmentId) : undefined,
      );
      const day = sql<string>`to_char(date_trunc('day', ${analyticsEvents.createdAt}), 'YYYY-MM-DD')`;
      const [byName, [totals], byDay] = await Promise.all([
        ctx.db
          .select({ name: analyticsEvents.name, events: count() })
          .from(analyticsEvents)
          .where(scope)
          .groupBy(analyticsEvents.name)
          .orderBy(desc(count())),
        ctx.db
          .select({ events: count(), activeUsers: countDistinct(analyticsEvents.userId) })
          .from(analyticsEvents)
          .where(scope),
        ctx.db.select({ day, events: count() }).from(analyticsEvents).where(scope).groupBy(day).orderBy(day),
      ]);
      return { days: input.days, totals: totals!, byName, byDay };
    }),
});
