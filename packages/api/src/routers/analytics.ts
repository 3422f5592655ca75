import { and, countDistinct, count, desc, eq, gte, sql, type AnyColumn } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { analyticsEvents, assistantQuestions, developments, onboardingProgress, profiles } = schema;

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

  /**
   * Staff: events by name and per day, active people, the onboarding funnel, active homeowners,
   * the most-asked assistant topics and notice reach per development, over the last `days`.
   */
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
      const inDevelopment = (column: AnyColumn) =>
        input.developmentId ? eq(column, input.developmentId) : undefined;
      const hasStep = (step: string) =>
        sql<number>`(count(*) filter (where ${step} = any(${onboardingProgress.completedSteps})))::int`;
      const [byName, [totals], byDay, [funnel], [homeownerActivity], topics, noticeReach] = await Promise.all(
        [
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
          ctx.db
            .select({ day, events: count() })
            .from(analyticsEvents)
            .where(scope)
            .groupBy(day)
            .orderBy(day),
          ctx.db
            .select({
              homeowners: count(profiles.id),
              claimed: hasStep('claim'),
              profiled: hasStep('profile'),
              acknowledged: hasStep('documents'),
            })
            .from(profiles)
            .leftJoin(onboardingProgress, eq(onboardingProgress.userId, profiles.id))
            .where(and(eq(profiles.appRole, 'homeowner'), inDevelopment(profiles.developmentId))),
          ctx.db
            .select({ activeHomeowners: countDistinct(analyticsEvents.userId) })
            .from(analyticsEvents)
            .innerJoin(profiles, eq(profiles.id, analyticsEvents.userId))
            .where(and(scope, eq(profiles.appRole, 'homeowner'))),
          ctx.db
            .select({
              topic: sql<string>`coalesce(${assistantQuestions.topic}, 'unanswered')`,
              questions: count(),
            })
            .from(assistantQuestions)
            .where(
              and(gte(assistantQuestions.createdAt, since), inDevelopment(assistantQuestions.developmentId)),
            )
            .groupBy(sql`1`)
            .orderBy(desc(count()))
            .limit(10),
          // Per development: homeowners, notices (all time) and homeowners who opened one in the period.
          ctx.db
            .select({
              developmentId: developments.id,
              name: developments.name,
              // Spelled out: Drizzle leaves columns unqualified in a one-table select, and these
              // correlated subqueries need `developments.id` to mean the outer row.
              homeowners: sql<number>`(select count(*)::int from profiles p
              where p.development_id = developments.id and p.app_role = 'homeowner')`,
              notices: sql<number>`(select count(*)::int from notices n
              where n.development_id = developments.id)`,
              readers: sql<number>`(select count(distinct e.user_id)::int from analytics_events e
              where e.development_id = developments.id
                and e.name = 'notice.opened' and e.created_at >= ${since})`,
            })
            .from(developments)
            .where(inDevelopment(developments.id))
            .orderBy(developments.name),
        ],
      );
      return {
        days: input.days,
        totals: totals!,
        byName,
        byDay,
        funnel: funnel!,
        activeHomeowners: homeownerActivity!.activeHomeowners,
        topics,
        noticeReach,
      };
    }),
});
