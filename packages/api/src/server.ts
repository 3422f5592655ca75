import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

import { createVerifier, loadAuthEnv, TOKEN_COOKIE, type AppRole, type VerifyToken } from '@openhouse/auth';
import { mintDevToken } from '@openhouse/auth/dev-token';
import { assertSafeLoginRole, getDatabase, type Database } from '@openhouse/db';
import { findSeedUser } from '@openhouse/db/seed-data';

import { createContext } from './context';
import { appRouter } from './root';

/**
 * What the portals' route handlers call: both apps serve the same router, health check and
 * start-up checks from here, so there is one way to do each.
 */

const globalForServer = globalThis as typeof globalThis & { __openhouseVerifier?: VerifyToken };

export function getServerDeps(): { database: Database; verifyToken: VerifyToken } {
  globalForServer.__openhouseVerifier ??= createVerifier(loadAuthEnv());
  return { database: getDatabase(), verifyToken: globalForServer.__openhouseVerifier };
}

/**
 * Start-up: parse every variable, check the login role cannot see past RLS, open `DB_POOL_MIN`
 * connections. A bad setting prints one line naming it and stops the process.
 */
export async function startServer(): Promise<void> {
  try {
    const { database } = getServerDeps();
    await assertSafeLoginRole(database.pool);
    await database.warm();
  } catch (error) {
    // By name: this module and @openhouse/db may be loaded once per Next.js bundle layer.
    if (error instanceof Error && (error.name === 'EnvError' || error.name === 'GuardError')) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

export function handleTrpcRequest(req: Request): Promise<Response> {
  const deps = getServerDeps();
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, ...deps }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        console.error(`[trpc] ${path ?? '?'}: ${error.cause?.message ?? error.message}`);
      }
    },
  });
}

/** `GET /api/health`: the pool's counters, and 503 when the database cannot be reached. */
export async function handleHealthRequest(): Promise<Response> {
  const { database } = getServerDeps();
  let reachable = true;
  let error: string | undefined;
  try {
    await database.ping();
  } catch (cause) {
    reachable = false;
    error = (cause as Error).message;
  }
  return Response.json(
    { status: reachable ? 'ok' : 'unavailable', database: { reachable, error }, pool: database.stats() },
    { status: reachable ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}

const SESSION_SECONDS = 8 * 3600;

/** Dev sign-in as a seeded user: sets the token as an httpOnly cookie. Not served in production. */
export async function handleDevSignIn(req: Request, appRole: AppRole): Promise<Response> {
  if (process.env.NODE_ENV === 'production') return new Response('Not found', { status: 404 });
  const email = String((await req.formData()).get('email') ?? '');
  const user = findSeedUser(email);
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
    headers: {
      location: '/',
      'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${SESSION_SECONDS}`,
    },
  });
}

export function handleSignOut(): Response {
  return new Response(null, {
    status: 303,
    headers: {
      location: '/sign-in',
      'set-cookie': `${TOKEN_COOKIE}=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0`,
    },
  });
}
