import { sessionCookie } from '@openhouse/api/session';
import { isSameOriginRequest, loadAuthEnv, type AppRole } from '@openhouse/auth';
import { mintDevToken } from '@openhouse/auth/dev-token';

/**
 * Dev sign-in as a seeded user: the accounts a portal's sign-in page offers, and the route that
 * sets the chosen one's token as the session cookie. Both exist only on a development server
 * (`NODE_ENV=development`, i.e. `next dev`) that was asked for them with `DEV_SIGN_IN=1` (`pnpm dev`
 * sets it): anywhere else — a production build, a staging server with another NODE_ENV, a dev
 * server without the flag — the page redirects to the signed-out page and the route is a 404.
 * A production build never even loads the fixtures (the import below is skipped), and its
 * start-up refuses `DEV_SIGN_IN=1` (`@openhouse/auth` env).
 */

const fixtures = process.env.NODE_ENV === 'production' ? undefined : await import('./data');

/** Read per call, not at load: the flag is a run-time setting, never baked into a build. */
export function devSignInEnabled(): boolean {
  return process.env.NODE_ENV === 'development' && process.env.DEV_SIGN_IN === '1';
}

/** The seeded accounts a dev sign-in page offers for one portal, or `null` when there is none. */
export function devSignInAccounts(appRole: AppRole) {
  if (!fixtures || !devSignInEnabled()) return null;
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
  if (!fixtures || !devSignInEnabled()) return new Response('Not found', { status: 404 });
  // Another site must not sign a visitor in as someone else (login CSRF).
  if (!isSameOriginRequest(req.headers)) {
    return Response.json({ error: 'Cross-site sign-in refused' }, { status: 403 });
  }
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
    headers: { location: '/', 'set-cookie': sessionCookie(token, SESSION_SECONDS, req) },
  });
}
