import type { HomeownerClaims } from './procedures';

export type { HomeownerClaims };

/**
 * @deprecated `homeownerProcedure` and `homeownerPhasedProcedure` type `ctx.claims` as
 * {@link HomeownerClaims} themselves; use `ctx.claims`. Kept only until routers/assistant.ts
 * stops calling it, then this file goes.
 */
export const homeownerClaims = (claims: HomeownerClaims): HomeownerClaims => claims;
