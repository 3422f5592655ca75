import { mintDevToken } from '@openhouse/auth/dev-token';
import { seedData, type SeedUser } from '@openhouse/seed';

/** A fixed, load-test-only HS256 secret (≥ 32 bytes, as the env requires); the portal gets it too. */
export const LOAD_JWT_SECRET = 'openhouse-load-secret-0123456789abcdef';

/**
 * The suites ask the assistant and claim invite codes far faster than a person: they measure the
 * pool, so the per-user rate limits are lifted for every portal or instance they drive (the limits
 * have tests of their own).
 */
export const LOAD_RATE_LIMITS = {
  RATE_LIMIT_ASSISTANT_PER_MINUTE: '1000000',
  RATE_LIMIT_INVITE_CLAIMS_PER_HOUR: '1000000',
};

export interface LoadHomeowner {
  user: SeedUser;
  token: string;
}

/**
 * Every seeded homeowner (all tenants, all developments) with a token of their own. Interleaved
 * by development, so that the first N connections of a run already span every tenant.
 */
export async function loadHomeowners(): Promise<LoadHomeowner[]> {
  const byDevelopment = new Map<string, SeedUser[]>();
  for (const user of seedData.users) {
    if (user.appRole !== 'homeowner') continue;
    const list = byDevelopment.get(user.developmentId!) ?? [];
    list.push(user);
    byDevelopment.set(user.developmentId!, list);
  }
  const groups = [...byDevelopment.values()];
  const interleaved: SeedUser[] = [];
  for (let i = 0; i < Math.max(...groups.map((group) => group.length)); i++) {
    for (const group of groups) if (group[i]) interleaved.push(group[i]!);
  }
  return Promise.all(
    interleaved.map(async (user) => ({
      user,
      token: await mintDevToken(user, { secret: LOAD_JWT_SECRET, expiresIn: '4h' }),
    })),
  );
}
