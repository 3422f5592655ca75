import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

import { createVerifier, loadAuthEnv, type VerifyToken } from '@openhouse/auth';
import { assertSafeLoginRole, EnvError, getDatabase, GuardError, type Database } from '@openhouse/db';

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
    if (error instanceof EnvError || error instanceof GuardError) {
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
