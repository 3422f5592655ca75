import { TRPCError } from '@trpc/server';

import type { AppRole, Claims } from '@openhouse/auth';

import { idempotencyKeyOf, idempotentMutation } from './middleware/idempotency';
import { rlsTransaction } from './middleware/rls';
import { middleware, publicProcedure } from './trpc';

/** The claims of one kind of caller: what `ctx.claims` is inside that role's procedures. */
export type ClaimsOf<Role extends AppRole> = Extract<Claims, { app_role: Role }>;
export type HomeownerClaims = ClaimsOf<'homeowner'>;
export type DeveloperClaims = ClaimsOf<'developer'>;

/** Signed in: `ctx.claims` is verified. Holds no connection. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.claims) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.authError ?? 'Unauthorized' });
  }
  return next({ ctx: { claims: ctx.claims } });
});

const hasRole = <Role extends AppRole>(claims: Claims | null, role: Role): claims is ClaimsOf<Role> =>
  claims?.app_role === role;

/** Only `role` may call on; `ctx.claims` is typed as that role's claims from here on. */
const requireRole = <Role extends AppRole>(role: Role) =>
  middleware(({ ctx, next }) => {
    const { claims } = ctx;
    if (!hasRole(claims, role)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This procedure is for ${role} accounts only` });
    }
    return next({ ctx: { claims } });
  });

/**
 * Procedures that only talk to Postgres run whole inside one RLS transaction; `ctx.db` is it.
 *
 * Procedures that wait on anything else (a model, an upload) use the `...PhasedProcedure`
 * builders and wrap each database step in `ctx.database.withRls(ctx.claims, ...)`, so that no
 * pooled connection is held while they wait.
 */
export const protectedProcedure = authedProcedure.use(rlsTransaction).use(idempotentMutation);
export const homeownerProcedure = authedProcedure
  .use(requireRole('homeowner'))
  .use(rlsTransaction)
  .use(idempotentMutation);
export const developerProcedure = authedProcedure
  .use(requireRole('developer'))
  .use(rlsTransaction)
  .use(idempotentMutation);

/**
 * Phased procedures hold no transaction of their own, so the idempotency middleware (which stores
 * the response in the mutation's transaction) cannot wrap them. They check the `Idempotency-Key`
 * header (400 when longer than 255 characters) but do not yet replay: a repeat runs again. See
 * docs/PHASE_20.1_DB_POOLING.md, "Retries and idempotency keys".
 */
const checkIdempotencyKey = middleware(({ ctx, type, next }) => {
  if (type === 'mutation') idempotencyKeyOf(ctx.idempotencyKey);
  return next();
});
export const homeownerPhasedProcedure = authedProcedure
  .use(requireRole('homeowner'))
  .use(checkIdempotencyKey);
export const developerPhasedProcedure = authedProcedure
  .use(requireRole('developer'))
  .use(checkIdempotencyKey);
