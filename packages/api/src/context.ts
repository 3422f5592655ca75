import { isAuthError, tokenFromHeaders, type Claims, type VerifyToken } from '@openhouse/auth';
import type { Database } from '@openhouse/db';

export interface ContextDeps {
  database: Database;
  verifyToken: VerifyToken;
}

/**
 * The tRPC context: the verified claims, or why there are none. Verification happens here, before
 * any procedure runs, so a bad token never reaches the database; `authedProcedure` turns a missing
 * or failed verification into a 401.
 */
export async function createContext({ headers, database, verifyToken }: ContextDeps & { headers: Headers }) {
  const token = tokenFromHeaders(headers);
  let claims: Claims | null = null;
  let authError: string | null = token ? null : 'Missing bearer token';
  if (token) {
    try {
      claims = await verifyToken(token);
    } catch (error) {
      if (!isAuthError(error)) throw error;
      authError = error.message;
    }
  }
  // Read for mutations by the idempotency middleware, which also validates it (1–255 characters).
  const idempotencyKey = headers.get('idempotency-key');
  return { database, claims, authError, idempotencyKey };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
