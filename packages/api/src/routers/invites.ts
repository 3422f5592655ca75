import { TRPCError } from '@trpc/server';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

import { generateInviteCode, hashInviteCode, normaliseInviteCode } from '../invite-codes';
import { developerProcedure } from '../procedures';
import { router } from '../trpc';

const { houseInvites, houses } = schema;

/** Staff issue invite codes per house (shown once: only a hash is stored) and revoke them. */
export const invitesRouter = router({
  list: developerProcedure.input(z.object({ houseId: z.uuid('choose a home') })).query(({ ctx, input }) =>
    ctx.db
      .select({
        id: houseInvites.id,
        codeHint: houseInvites.codeHint,
        createdAt: houseInvites.createdAt,
        expiresAt: houseInvites.expiresAt,
        revokedAt: houseInvites.revokedAt,
        usedAt: houseInvites.usedAt,
      })
      .from(houseInvites)
      .where(eq(houseInvites.houseId, input.houseId))
      .orderBy(desc(houseInvites.createdAt)),
  ),

  create: developerProcedure
    .input(
      z.object({
        houseId: z.uuid('choose a home'),
        expiresInDays: z.number().int().min(1, 'at least 1 day').max(365, 'at most 365 days').optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // RLS: a house of another tenant or development is not found.
      const [house] = await ctx.db
        .select({
          id: houses.id,
          developmentId: houses.developmentId,
          plotNumber: houses.plotNumber,
          address: houses.address,
        })
        .from(houses)
        .where(eq(houses.id, input.houseId));
      if (!house) throw new TRPCError({ code: 'NOT_FOUND', message: 'houseId: no such home' });
      const code = generateInviteCode();
      const [invite] = await ctx.db
        .insert(houseInvites)
        .values({
          developmentId: house.developmentId,
          houseId: house.id,
          codeHash: hashInviteCode(code),
          codeHint: normaliseInviteCode(code).slice(-4),
          expiresAt: input.expiresInDays ? sql`now() + make_interval(days => ${input.expiresInDays})` : null,
        })
        .returning({ id: houseInvites.id, expiresAt: houseInvites.expiresAt });
      // Who the code is for, so the person issuing it can confirm they picked the right home.
      return {
        ...invite!,
        code,
        house: { id: house.id, plotNumber: house.plotNumber, address: house.address },
      };
    }),

  revoke: developerProcedure
    .input(z.object({ id: z.uuid('not an invite') }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await ctx.db
        .update(houseInvites)
        .set({ revokedAt: sql`now()` })
        .where(
          and(eq(houseInvites.id, input.id), isNull(houseInvites.revokedAt), isNull(houseInvites.usedAt)),
        )
        .returning({ id: houseInvites.id, houseId: houseInvites.houseId, codeHint: houseInvites.codeHint });
      if (revoked.length === 0) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: 'id: this code has already been used or revoked',
        });
      }
      return { revoked: true as const, ...revoked[0]! };
    }),
});
