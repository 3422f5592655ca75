import { TRPCError } from '@trpc/server';

import {
  isAuthError,
  isSameOriginRequest,
  requestToken,
  type Claims,
  type VerifyToken,
} from '@openhouse/auth';
import type { Database } from '@openhouse/db';

export interface ContextDeps {
  database: Database;
  verifyToken: VerifyToken;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The tRPC context: the verified claims, or why there are none. Verification happens here, before
 * any procedure runs, so a bad token never reaches the database; `authedProcedure` turns a missing
 * or failed verification into a 401.
 *
 * `method` is the HTTP request's (in-process callers have none). A browser sends the session
 * cookie along with a form or fetch from any site, so a write authenticated by the cookie must
 * come from the portal's own page (403 otherwise); a Bearer header is never sent unasked.
 */
export async function createContext({
  headers,
  method,
  database,
  verifyToken,
}: ContextDeps & { headers: Headers; method?: string }) {
  const found = requestToken(headers);
  if (found?.source === 'cookie' && method && !SAFE_METHODS.has(method) && !isSameOriginRequest(headers)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Cross-site request refused: a change made with the session cookie must come from this portal',
    });
  }
  const token = found?.token;
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
