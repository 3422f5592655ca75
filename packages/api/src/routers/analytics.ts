import { TRPCError } from '@trpc/server';
import { and, countDistinct, count, desc, eq, gte, sql, type AnyColumn } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const {
  analyticsDaily,
  analyticsEvents,
  analyticsPeople,
  assistantQuestions,
  developments,
  onboardingProgress,
  profiles,
} = schema;

const properties = z
  .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= 20, 'at most 20 properties')
  .default({});

export const analyticsRouter = router({
  /** Records one event for the caller, always inside the caller's own development when they have one. */
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
      const scoped = ctx.claims.development_id;
      if (scoped && input.developmentId && input.developmentId !== scoped) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'developmentId: not your development' });
      }
      const developmentId = scoped ?? input.developmentId ?? null;
      await ctx.db
        .insert(analyticsEvents)
        .values({ name: input.name, properties: input.properties, developmentId });
      return { recorded: true as const };
    }),

  /**
   * Staff: events by name and per day, active people, the onboarding funnel, active homeowners,
   * the most-asked assistant topics and notice reach per development, over the last `days` UTC
   * days (today included). Read from the rollups the database keeps as events arrive
   * (`analytics_daily`, `analytics_people`, `development_stats`), never from raw events, so the
   * cost follows the number of days and people, not the number of events.
   */
  summary: developerProcedure
    .input(
      z
        .object({ days: z.number().int().min(1).max(365).default(30), developmentId: z.uuid().optional() })
        .default({ days: 30 }),
    )
    .query(async ({ ctx, input }) => {
      const firstDay = sql`(now() at time zone 'UTC')::date - ${input.days - 1}::int`;
      const inDevelopment = (column: AnyColumn) =>
        input.developmentId ? eq(column, input.developmentId) : undefined;
      const events = sql<number>`sum(${analyticsDaily.events})::int`;
      const hasStep = (step: string) =>
        sql<number>`(count(*) filter (where ${step} = any(${onboardingProgress.completedSteps})))::int`;
      const [perDayAndName, [people], [funnel], topics, noticeReach] = await Promise.all([
        // One scan of the daily rollup (index-only), grouped here into by-name and by-day.
        ctx.db
          .select({ day: analyticsDaily.day, name: analyticsDaily.name, events })
          .from(analyticsDaily)
          .where(and(gte(analyticsDaily.day, firstDay), inDevelopment(analyticsDaily.developmentId)))
          .groupBy(analyticsDaily.day, analyticsDaily.name),
        // The window ends today: active in it = last active on or after its first day.
        ctx.db
          .select({
            activeUsers: countDistinct(analyticsPeople.userId),
            activeHomeowners: sql<number>`(count(distinct ${analyticsPeople.userId})
              filter (where ${analyticsPeople.homeowner}))::int`,
          })
          .from(analyticsPeople)
          .where(
            and(gte(analyticsPeople.lastActiveOn, firstDay), inDevelopment(analyticsPeople.developmentId)),
          ),
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
          .select({
            topic: sql<string>`coalesce(${assistantQuestions.topic}, 'unanswered')`,
            questions: count(),
          })
          .from(assistantQuestions)
          .where(
            and(
              gte(assistantQuestions.createdAt, sql`now() - make_interval(days => ${input.days})`),
              inDevelopment(assistantQuestions.developmentId),
            ),
          )
          .groupBy(sql`1`)
          .orderBy(desc(count()))
          .limit(10),
        // Per development: homeowners, notices (all time, a counter) and homeowners who opened
        // one in the period.
        ctx.db
          .select({
            developmentId: developments.id,
            name: developments.name,
            // Spelled out: Drizzle leaves columns unqualified in a one-table select, and these
            // correlated subqueries need `developments.id` to mean the outer row.
            homeowners: sql<number>`(select count(*)::int from profiles p
              where p.tenant_id = developments.tenant_id and p.development_id = developments.id
                and p.app_role = 'homeowner')`,
            notices: sql<number>`coalesce((select s.notices::int from development_stats s
              where s.development_id = developments.id), 0)`,
            readers: sql<number>`(select count(*)::int from analytics_people r
              where r.tenant_id = developments.tenant_id and r.development_id = developments.id
                and r.homeowner and r.last_notice_opened_on >= ${firstDay})`,
          })
          .from(developments)
          .where(inDevelopment(developments.id))
          .orderBy(developments.name),
      ]);
      const byName = new Map<string, number>();
      const byDay = new Map<string, number>();
      for (const row of perDayAndName) {
        byName.set(row.name, (byName.get(row.name) ?? 0) + row.events);
        byDay.set(row.day, (byDay.get(row.day) ?? 0) + row.events);
      }
      return {
        days: input.days,
        totals: {
          events: perDayAndName.reduce((sum, row) => sum + row.events, 0),
          activeUsers: people!.activeUsers,
        },
        byName: [...byName]
          .map(([name, events]) => ({ name, events }))
          .sort((a, b) => b.events - a.events || a.name.localeCompare(b.name)),
        byDay: [...byDay]
          .map(([day, events]) => ({ day, events }))
          .sort((a, b) => a.day.localeCompare(b.day)),
        funnel: funnel!,
        activeHomeowners: people!.activeHomeowners,
        topics,
        noticeReach,
      };
    }),
});
