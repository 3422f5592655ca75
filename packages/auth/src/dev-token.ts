import { SignJWT } from 'jose';

import type { AppRole } from './claims';

/** Who a dev token is for: the fields of a seeded user that become claims. */
export interface DevTokenSubject {
  id: string;
  tenantId: string;
  developmentId: string | null;
  houseId: string | null;
  appRole: AppRole;
  email: string;
}

/**
 * The issuer of dev tokens minted without one. A server that checks issuers (every production
 * build must: AUTH_JWT_ISSUER) accepts them only when AUTH_JWT_ISSUER names it — test and load
 * harnesses that run production builds do.
 */
export const DEV_TOKEN_ISSUER = 'openhouse-dev';

/** Signs a dev token for a seeded user. Never available in production. */
export async function mintDevToken(
  user: DevTokenSubject,
  options: { secret: string; audience?: string; issuer?: string; expiresIn?: string },
): Promise<string> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('Dev tokens are not minted when NODE_ENV=production');
  }
  const jwt = new SignJWT({
    role: 'authenticated',
    email: user.email,
    tenant_id: user.tenantId,
    app_role: user.appRole,
    ...(user.developmentId ? { development_id: user.developmentId } : {}),
    ...(user.houseId ? { house_id: user.houseId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience(options.audience ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h');
  jwt.setIssuer(options.issuer || DEV_TOKEN_ISSUER); // an empty AUTH_JWT_ISSUER= means unset
  return jwt.sign(new TextEncoder().encode(options.secret));
}
