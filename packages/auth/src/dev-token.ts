import { SignJWT } from 'jose';

import type { SeedUser } from '@openhouse/db/seed-data';

/** Signs a dev token for a seeded user. Never available in production. */
export async function mintDevToken(
  user: Pick<SeedUser, 'id' | 'tenantId' | 'developmentId' | 'houseId' | 'appRole' | 'email'>,
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
  if (options.issuer) jwt.setIssuer(options.issuer);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
