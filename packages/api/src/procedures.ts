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
 * The transaction wraps the resolver alone: whatever a router adds with `.input()` or `.use()`
 * runs first, whatever order it is written in. So a request's body is read and its input
 * validated before a pooled connection is checked out — a 400, or a 429 from a rate limit, never
 * touches the pool, and a body that trickles in holds no connection. The builders keep the type
 * tRPC gives `base` with the transaction attached; the one thing that type cannot say is that a
 * router's own middleware, running before the transaction, has no `ctx.db` yet.
 *
 * Procedures that wait on anything else (a model, an upload) use the `...PhasedProcedure`
 * builders and wrap each database step in `ctx.database.withRls(ctx.claims, ...)`, so that no
 * pooled connection is held while they wait.
 */
function inTransaction<Base, Typed>(base: Base, attach: (builder: Base) => Typed): Typed {
  const withTransaction = attach as unknown as (builder: AnyBuilder) => AnyBuilder;
  const wrap = (builder: AnyBuilder): AnyBuilder => ({
    ...builder,
    input: (parser) => wrap(builder.input(parser)),
    use: (fn) => wrap(builder.use(fn)),
    meta: (meta) => wrap(builder.meta(meta)),
    output: (parser) => wrap(builder.output(parser)),
    // A query has no idempotency key to honour: the transaction alone, one middleware fewer.
    query: (resolver) => builder.use(rlsTransaction).query(resolver),
    mutation: (resolver) => withTransaction(builder).mutation(resolver),
  });
  return wrap(base as unknown as AnyBuilder) as unknown as Typed;
}

// The part of a tRPC procedure builder that `inTransaction` rebuilds at run time.
/* eslint-disable @typescript-eslint/no-explicit-any */
interface AnyBuilder {
  input(parser: any): AnyBuilder;
  use(fn: any): AnyBuilder;
  meta(meta: any): AnyBuilder;
  output(parser: any): AnyBuilder;
  query(resolver: any): any;
  mutation(resolver: any): any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const homeownerBase = authedProcedure.use(requireRole('homeowner'));
const developerBase = authedProcedure.use(requireRole('developer'));

export const protectedProcedure = inTransaction(authedProcedure, (builder) =>
  builder.use(rlsTransaction).use(idempotentMutation),
);
export const homeownerProcedure = inTransaction(homeownerBase, (builder) =>
  builder.use(rlsTransaction).use(idempotentMutation),
);
export const developerProcedure = inTransaction(developerBase, (builder) =>
  builder.use(rlsTransaction).use(idempotentMutation),
);

/**
 * Phased procedures hold no transaction of their own, so the idempotency middleware (which stores
 * the response in the mutation's transaction) cannot wrap them. The header is checked here (400
 * when longer than 255 characters) and honoured by the procedure itself with
 * `phasedIdempotencyKey` (see `assistant.ask`). See docs/PHASE_20.1_DB_POOLING.md, "Retries and
 * idempotency keys".
 */
const checkIdempotencyKey = middleware(({ ctx, type, next }) => {
  if (type === 'mutation') idempotencyKeyOf(ctx.idempotencyKey);
  return next();
});
export const homeownerPhasedProcedure = homeownerBase.use(checkIdempotencyKey);
export const developerPhasedProcedure = developerBase.use(checkIdempotencyKey);
