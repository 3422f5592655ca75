import type { Claims } from '@openhouse/auth';
import { seedData, type SeedUser } from '@openhouse/seed';

/** Claims exactly as the verifier would produce them for a seeded user. */
export function claimsFor(user: SeedUser): Claims {
  const now = Math.floor(Date.now() / 1000);
  const base = {
    sub: user.id,
    role: 'authenticated' as const,
    aud: 'authenticated',
    iat: now,
    exp: now + 3600,
  };
  return user.appRole === 'homeowner'
    ? {
        ...base,
        app_role: 'homeowner',
        tenant_id: user.tenantId,
        development_id: user.developmentId!,
        house_id: user.houseId!,
      }
    : {
        ...base,
        app_role: 'developer',
        tenant_id: user.tenantId,
        ...(user.developmentId ? { development_id: user.developmentId } : {}),
      };
}

export const homeowners = seedData.users.filter((user) => user.appRole === 'homeowner');
export const staff = seedData.users.filter((user) => user.appRole === 'developer');

export function seedUser(email: string): SeedUser {
  const user = seedData.users.find((candidate) => candidate.email === email);
  if (!user) throw new Error(`no seeded user ${email}`);
  return user;
}
