import { appRouter, createCallerFactory, createContext } from '@openhouse/api';
import { createVerifier, loadAuthEnv } from '@openhouse/auth';
import { mintDevToken } from '@openhouse/auth/dev-token';
import { pgErrorOf, type Database } from '@openhouse/db';
import type { SeedUser } from '@openhouse/seed';

/** The secret the tests sign and verify with; at least 32 bytes, as the env requires. */
export const TEST_JWT_SECRET = 'openhouse-test-secret-0123456789abcdef';
export const verifyToken = createVerifier(loadAuthEnv({ AUTH_JWT_SECRET: TEST_JWT_SECRET }));

export const tokenFor = (user: SeedUser) => mintDevToken(user, { secret: TEST_JWT_SECRET });

const createCaller = createCallerFactory(appRouter);

/** A server-side caller that goes through the real context: token verification, middleware, RLS. */
export async function callerFor(
  database: Database,
  token?: string,
  extraHeaders: Record<string, string> = {},
) {
  const headers = new Headers({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...extraHeaders });
  return createCaller(await createContext({ headers, database, verifyToken }));
}

/** How a call ended: 'OK', the tRPC error code, the SQLSTATE of a database error, or the message. */
export const outcomeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: unknown) =>
      (error as { code?: string }).code ??
      pgErrorOf(error)?.code ??
      (error as Error).message ??
      String(error),
  );
