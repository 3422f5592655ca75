import type { Claims } from '@openhouse/auth';

export type HomeownerClaims = Extract<Claims, { app_role: 'homeowner' }>;

/**
 * The claims of a homeowner procedure, typed as such. The role middleware has already refused
 * anyone else; this only tells TypeScript (and fails loudly if a router is built on the wrong builder).
 */
export function homeownerClaims(claims: Claims): HomeownerClaims {
  if (claims.app_role !== 'homeowner') throw new Error('expected a homeowner procedure');
  return claims;
}
