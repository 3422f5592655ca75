import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema, type Db } from '@openhouse/db';

import { normaliseInviteCode } from '../invite-codes';
import { ONBOARDING_STEPS } from '../limits';
import { homeownerProcedure } from '../procedures';
import { INVITE_CLAIMS, takeCall } from '../rate-limit';
import { router } from '../trpc';

const { documents, onboardingProgress, profiles } = schema;

/**
 * A homeowner's path: claim the house with the invite code staff issued → profile → acknowledge
 * the key documents → done. Steps go in order; repeating a finished step changes nothing and
 * says so (`alreadyDone: true`).
 */

/** The development-wide documents every homeowner is asked to read before onboarding is done. */
export const KEY_DOCUMENT_CATEGORIES = ['warranty', 'heating', 'snagging'];

const CLAIM_REFUSALS: Record<string, { code: TRPCError['code']; message: string }> = {
  invalid: { code: 'BAD_REQUEST', message: 'inviteCode: this is not an invite code for your home' },
  used: { code: 'CONFLICT', message: 'inviteCode: this invite code has already been used' },
  revoked: { code: 'BAD_REQUEST', message: 'inviteCode: this invite code has been revoked' },
  expired: { code: 'BAD_REQUEST', message: 'inviteCode: this invite code has expired' },
};

const stepInput = z.discriminatedUnion('step', [
  z.object({
    step: z.literal('claim'),
    inviteCode: z
      .string()
      .trim()
      .min(1, 'enter the invite code you were given')
      .max(40, 'at most 40 characters'),
  }),
  z.object({
    step: z.literal('profile'),
    displayName: z.string().trim().min(1, 'enter your name').max(100, 'at most 100 characters'),
    contactChannel: z.enum(['email', 'phone', 'sms']),
    contactPhone: z
      .string()
      .trim()
      .max(30, 'at most 30 characters')
      .regex(/^[0-9 +()-]*$/, 'digits, spaces and + ( ) - only')
      .optional(),
  }),
  z.object({
    step: z.literal('documents'),
    documentIds: z.array(z.uuid()).max(50),
  }),
]);

/** The newest development-wide document of each key category: the current guide, not every edition. */
async function keyDocuments(db: Db) {
  // RLS: the homeowner's development-wide documents only.
  return db
    .selectDistinctOn([documents.category], {
      id: documents.id,
      title: documents.title,
      category: documents.category,
    })
    .from(documents)
    .where(and(isNull(documents.houseId), inArray(documents.category, KEY_DOCUMENT_CATEGORIES)))
    .orderBy(documents.category, desc(documents.createdAt), desc(documents.id));
}

async function readStatus(db: Db) {
  const [progress] = await db
    .select({ completedSteps: onboardingProgress.completedSteps })
    .from(onboardingProgress);
  const completed = ONBOARDING_STEPS.filter((step) => progress?.completedSteps.includes(step));
  const next = ONBOARDING_STEPS.find((step) => !completed.includes(step)) ?? null;
  return {
    completedSteps: completed,
    nextStep: next,
    done: next === null,
    keyDocuments: await keyDocuments(db),
  };
}

export const onboardingRouter = router({
  status: homeownerProcedure.query(({ ctx }) => readStatus(ctx.db)),

  completeStep: homeownerProcedure
    .input(stepInput)
    // A claim is a guess at an invite code: limited per homeowner, before any connection is taken.
    .use(({ ctx, input, next }) => {
      if (input.step === 'claim') takeCall(INVITE_CLAIMS, ctx.claims);
      return next();
    })
    .mutation(async ({ ctx, input }) => {
      const { db, claims } = ctx;
      const before = await readStatus(db);
      if (before.completedSteps.includes(input.step)) {
        return { step: input.step, alreadyDone: true, status: before };
      }
      if (before.nextStep !== input.step) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `step: complete "${before.nextStep}" first`,
        });
      }

      let acknowledged: string[] = [];
      if (input.step === 'claim') {
        const result = await db.execute<{ outcome: string }>(
          sql`select private.claim_house_invite(${normaliseInviteCode(input.inviteCode)}) as outcome`,
        );
        const outcome = result.rows[0]!.outcome;
        const refusal = CLAIM_REFUSALS[outcome];
        if (refusal) throw new TRPCError(refusal);
      } else if (input.step === 'profile') {
        if (input.contactChannel !== 'email' && !input.contactPhone) {
          throw new TRPCError({ code: 'BAD_REQUEST', message: 'contactPhone: enter a phone number' });
        }
        await db
          .update(profiles)
          .set({
            displayName: input.displayName,
            contactChannel: input.contactChannel,
            contactPhone: input.contactPhone || null,
          })
          .where(eq(profiles.id, claims.sub));
      } else {
        const missing = before.keyDocuments.filter((doc) => !input.documentIds.includes(doc.id));
        if (missing.length > 0) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: `documentIds: acknowledge every key document (missing: ${missing.map((d) => d.title).join(', ')})`,
          });
        }
        acknowledged = before.keyDocuments.map((doc) => doc.id);
      }

      // Appending only when absent keeps a concurrent repeat of the same step harmless.
      await db
        .insert(onboardingProgress)
        .values({
          userId: claims.sub,
          developmentId: claims.development_id,
          houseId: claims.house_id,
          completedSteps: [input.step],
          acknowledgedDocuments: acknowledged,
        })
        .onConflictDoUpdate({
          target: onboardingProgress.userId,
          set: {
            completedSteps: sql`case when ${input.step} = any(${onboardingProgress.completedSteps})
            then ${onboardingProgress.completedSteps}
            else array_append(${onboardingProgress.completedSteps}, ${input.step}) end`,
            acknowledgedDocuments: sql`case when cardinality(excluded.acknowledged_documents) > 0
            then excluded.acknowledged_documents else ${onboardingProgress.acknowledgedDocuments} end`,
            updatedAt: sql`now()`,
          },
        });
      return { step: input.step, alreadyDone: false, status: await readStatus(db) };
    }),
});
