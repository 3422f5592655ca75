import { sessionCookie } from '@openhouse/api/session';
import { loadAuthEnv, type AppRole } from '@openhouse/auth';
import { mintDevToken } from '@openhouse/auth/dev-token';

/**
 * Dev sign-in as a seeded user: the accounts a portal's sign-in page offers, and the route that
 * sets the chosen one's token as the session cookie. Neither exists in production: there the
 * fixtures are never even loaded (the import below is skipped), the page is a 404 and so is the
 * route.
 */

const fixtures = process.env.NODE_ENV === 'production' ? undefined : await import('./data');

/** The seeded accounts a dev sign-in page offers for one portal, or `null` in production. */
export function devSignInAccounts(appRole: AppRole) {
  if (!fixtures) return null;
  const { seedData } = fixtures;
  const developments = new Map(seedData.developments.map((d) => [d.id, d.name]));
  const tenants = new Map(seedData.tenants.map((t) => [t.tenantId, t.name]));
  return seedData.users
    .filter((user) => user.appRole === appRole)
    .map((user) => ({
      email: user.email,
      displayName: user.displayName,
      detail: `${tenants.get(user.tenantId)} · ${user.developmentId ? developments.get(user.developmentId) : 'all developments'}`,
    }));
}

const SESSION_SECONDS = 8 * 3600;

/** `POST /api/dev/sign-in` with the form's `email`: a 303 home with the session cookie set. */
export async function handleDevSignIn(req: Request, appRole: AppRole): Promise<Response> {
  if (!fixtures) return new Response('Not found', { status: 404 });
  const email = String((await req.formData()).get('email') ?? '');
  const user = fixtures.findSeedUser(email);
  if (!user || user.appRole !== appRole) {
    return Response.json({ error: `email: not a seeded ${appRole} account` }, { status: 400 });
  }
  const env = loadAuthEnv();
  if (!env.AUTH_JWT_SECRET) {
    return Response.json({ error: 'Dev sign-in needs AUTH_JWT_SECRET' }, { status: 400 });
  }
  const token = await mintDevToken(user, {
    secret: env.AUTH_JWT_SECRET,
    audience: env.AUTH_JWT_AUDIENCE,
    issuer: env.AUTH_JWT_ISSUER,
    expiresIn: `${SESSION_SECONDS}s`,
  });
  return new Response(null, {
    status: 303,
    headers: { location: '/', 'set-cookie': sessionCookie(token, SESSION_SECONDS) },
  });
}
