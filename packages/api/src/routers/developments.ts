import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { developments, houseInvites, houses, onboardingProgress, profiles } = schema;

export const developmentsRouter = router({
  /** The developments the caller may see (RLS): a homeowner's own, or their tenant's for staff. */
  list: protectedProcedure.query(({ ctx }) =>
    ctx.db
      .select({
        id: developments.id,
        name: developments.name,
        town: developments.town,
        // Per development through the (tenant_id, development_id) index; a join and GROUP BY
        // would read every house of the tenant first. Spelled out: Drizzle leaves columns
        // unqualified in a one-table select.
        houseCount: sql<number>`(select count(*)::int from houses h
          where h.tenant_id = developments.tenant_id and h.development_id = developments.id)`,
      })
      .from(developments)
      .orderBy(asc(developments.name)),
  ),

  /**
   * Staff: a development's houses with their homeowner (name, how to contact them), onboarding
   * progress, whether the home is claimed, and its open invite codes (unused, unrevoked, unexpired).
   */
  houses: developerProcedure
    .input(z.object({ developmentId: z.uuid('choose a development') }))
    .query(({ ctx, input }) =>
      ctx.db
        .select({
          id: houses.id,
          developmentId: houses.developmentId,
          plotNumber: houses.plotNumber,
          address: houses.address,
          homeownerName: profiles.displayName,
          homeownerEmail: profiles.email,
          contactChannel: profiles.contactChannel,
          contactPhone: profiles.contactPhone,
          completedSteps: onboardingProgress.completedSteps,
          claimed: sql<boolean>`coalesce('claim' = any(${onboardingProgress.completedSteps}), false)`,
          openInvites: sql<number>`(select count(*)::int from ${houseInvites}
            where ${houseInvites.tenantId} = ${houses.tenantId} and ${houseInvites.houseId} = ${houses.id}
              and ${houseInvites.usedAt} is null and ${houseInvites.revokedAt} is null
              and (${houseInvites.expiresAt} is null or ${houseInvites.expiresAt} > now()))`,
        })
        .from(houses)
        .leftJoin(profiles, and(eq(profiles.houseId, houses.id), eq(profiles.appRole, 'homeowner')))
        .leftJoin(onboardingProgress, eq(onboardingProgress.userId, profiles.id))
        .where(eq(houses.developmentId, input.developmentId))
        .orderBy(asc(houses.plotNumber)),
    ),
});
