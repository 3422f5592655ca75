import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

import { createVerifier, loadAuthEnv, TOKEN_COOKIE, type AppRole, type VerifyToken } from '@openhouse/auth';
import { mintDevToken } from '@openhouse/auth/dev-token';
import { assertSafeLoginRole, getDatabase, type Database } from '@openhouse/db';
import { findSeedUser, seedData } from '@openhouse/db/seed-data';
import { flushErrorTracking, initErrorTracking, loadSentryEnv } from '@openhouse/error-tracker';

import { loadAssistantEnv } from './assistant/env';
import { createContext } from './context';
import { observePoolWait, renderPrometheus } from './metrics';
import { reportIdleClientError } from './observe';
import { appRouter } from './root';

/**
 * What the portals' route handlers call: both apps serve the same router, health check and
 * start-up checks from here, so there is one way to do each.
 */

// Process-wide state, on `globalThis` under a registry symbol: Next.js may load this module once
// per bundle layer, and the start-up hook and the route handlers must share it.
interface ServerState {
  verifyToken?: VerifyToken;
  inFlight: number;
  draining: boolean;
}
const STATE = Symbol.for('openhouse.api.server');
const globalForServer = globalThis as typeof globalThis & { [STATE]?: ServerState };
const state = (globalForServer[STATE] ??= { inFlight: 0, draining: false });

export function getServerDeps(): { database: Database; verifyToken: VerifyToken } {
  state.verifyToken ??= createVerifier(loadAuthEnv());
  const database = getDatabase({
    onIdleError: (error) => reportIdleClientError(error, getDatabase().stats()),
    onAcquired: observePoolWait,
  });
  return { database, verifyToken: state.verifyToken };
}

/**
 * Start-up: parse every variable, start error tracking, check the login role cannot see past
 * RLS, open `DB_POOL_MIN` connections, take over SIGTERM. A bad setting prints one line naming
 * it and stops the process.
 */
export async function startServer(): Promise<void> {
  try {
    initErrorTracking(loadSentryEnv());
    // The assistant's model settings are checked here too, not at the first question.
    loadAssistantEnv();
    const { database } = getServerDeps();
    await assertSafeLoginRole(database.pool);
    await database.warm();
    installShutdownHandlers(database);
  } catch (error) {
    // By name: this module and @openhouse/db may be loaded once per Next.js bundle layer.
    if (error instanceof Error && (error.name === 'EnvError' || error.name === 'GuardError')) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const RETRY_AFTER_SECONDS = '1';

const shuttingDown = () =>
  Response.json(
    { error: { message: 'The server is shutting down; retry shortly', code: 'SERVICE_UNAVAILABLE' } },
    { status: 503, headers: { 'retry-after': RETRY_AFTER_SECONDS, connection: 'close' } },
  );

export async function handleTrpcRequest(req: Request): Promise<Response> {
  if (state.draining) return shuttingDown();
  const deps = getServerDeps();
  state.inFlight++;
  try {
    return await fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: () => createContext({ headers: req.headers, ...deps }),
      // A busy or unreachable database is worth retrying shortly; say when.
      responseMeta: ({ errors }) =>
        errors.some((error) => error.code === 'SERVICE_UNAVAILABLE')
          ? { headers: new Headers({ 'retry-after': RETRY_AFTER_SECONDS }) }
          : {},
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(`[trpc] ${path ?? '?'}: ${error.cause?.message ?? error.message}`);
        }
      },
    });
  } finally {
    state.inFlight--;
  }
}

/** `GET /api/metrics`: Prometheus text format. */
export function handleMetricsRequest(): Response {
  const { database } = getServerDeps();
  return new Response(renderPrometheus(database.stats()), {
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
  });
}

const SHUTDOWN_GRACE_MS = 25_000;

/**
 * SIGTERM / SIGINT: refuse new requests (503), let in-flight ones finish (up to the grace
 * period), then close the pool and exit. Next.js leaves the signals to us when started with
 * NEXT_MANUAL_SIG_HANDLE=true (the portals' start scripts set it).
 */
function installShutdownHandlers(database: Database) {
  const shutdown = async (signal: string) => {
    if (state.draining) return;
    state.draining = true;
    console.log(`[server] ${signal}: draining ${state.inFlight} in-flight request(s)`);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (state.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await database.close();
    await flushErrorTracking();
    console.log('[server] pool closed, exiting');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** `GET /api/health`: the pool's counters, and 503 when the database cannot be reached. */
export async function handleHealthRequest(): Promise<Response> {
  if (state.draining) return shuttingDown();
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

/**
 * The seeded accounts a dev sign-in page offers for one portal, or `null` in production, where
 * the page and its route do not exist.
 */
export function devSignInAccounts(appRole: AppRole) {
  if (process.env.NODE_ENV === 'production') return null;
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
