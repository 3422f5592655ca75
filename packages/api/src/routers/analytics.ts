import { TRPCError } from '@trpc/server';
import { and, countDistinct, count, desc, eq, gte, sql, type AnyColumn } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const {
  analyticsDaily,
  analyticsEvents,
  analyticsUserDays,
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
   * (`analytics_daily`, `analytics_user_days`, `development_stats`), never from raw events, so the
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
      const dailyScope = and(gte(analyticsDaily.day, firstDay), inDevelopment(analyticsDaily.developmentId));
      const peopleScope = and(
        gte(analyticsUserDays.day, firstDay),
        inDevelopment(analyticsUserDays.developmentId),
      );
      const events = sql<number>`coalesce(sum(${analyticsDaily.events}), 0)::int`;
      const day = sql<string>`to_char(${analyticsDaily.day}, 'YYYY-MM-DD')`;
      const hasStep = (step: string) =>
        sql<number>`(count(*) filter (where ${step} = any(${onboardingProgress.completedSteps})))::int`;
      const [byName, [eventTotals], [people], byDay, [funnel], topics, noticeReach] = await Promise.all([
        ctx.db
          .select({ name: analyticsDaily.name, events })
          .from(analyticsDaily)
          .where(dailyScope)
          .groupBy(analyticsDaily.name)
          .orderBy(desc(events)),
        ctx.db.select({ events }).from(analyticsDaily).where(dailyScope),
        ctx.db
          .select({
            activeUsers: countDistinct(analyticsUserDays.userId),
            activeHomeowners: sql<number>`(count(distinct ${analyticsUserDays.userId})
                filter (where ${analyticsUserDays.homeowner}))::int`,
          })
          .from(analyticsUserDays)
          .where(peopleScope),
        ctx.db.select({ day, events }).from(analyticsDaily).where(dailyScope).groupBy(day).orderBy(day),
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
            readers: sql<number>`(select count(distinct u.user_id)::int from analytics_user_days u
              where u.tenant_id = developments.tenant_id and u.development_id = developments.id
                and u.day >= ${firstDay} and u.notices_opened > 0)`,
          })
          .from(developments)
          .where(inDevelopment(developments.id))
          .orderBy(developments.name),
      ]);
      return {
        days: input.days,
        totals: { events: eventTotals!.events, activeUsers: people!.activeUsers },
        byName,
        byDay,
        funnel: funnel!,
        activeHomeowners: people!.activeHomeowners,
        topics,
        noticeReach,
      };
    }),
});
