import { TRPCError } from '@trpc/server';

import type { AppRole, Claims } from '@openhouse/auth';

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
export const protectedProcedure = authedProcedure.use(rlsTransaction);
export const homeownerProcedure = authedProcedure.use(requireRole('homeowner')).use(rlsTransaction);
export const developerProcedure = authedProcedure.use(requireRole('developer')).use(rlsTransaction);
export const homeownerPhasedProcedure = authedProcedure.use(requireRole('homeowner'));
export const developerPhasedProcedure = authedProcedure.use(requireRole('developer'));
