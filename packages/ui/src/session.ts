import { cookies } from 'next/headers';

import {
  createVerifier,
  isAuthError,
  loadAuthEnv,
  TOKEN_COOKIE,
  type Claims,
  type VerifyToken,
} from '@openhouse/auth';

/**
 * The signed-in caller of a page, read on the server before anything renders: the session cookie
 * verified exactly as the API verifies a token (same settings, same checks). `null` when there is
 * no session or it is not valid (expired, forged), so that a page sends the visitor to the
 * signed-out page up front instead of rendering a portal whose every call then fails.
 */

let verifier: VerifyToken | undefined;

export async function readSession(): Promise<Claims | null> {
  const token = (await cookies()).get(TOKEN_COOKIE)?.value;
  if (!token) return null;
  verifier ??= createVerifier(loadAuthEnv());
  try {
    return await verifier(token);
  } catch (error) {
    if (isAuthError(error)) return null;
    throw error;
  }
}

/** `POST /api/sign-out`: ends the session and lands on the signed-out page (not the dev sign-in). */
export function signOutResponse(): Response {
  return new Response(null, {
    status: 303,
    headers: {
      location: '/signed-out',
      'set-cookie': `${TOKEN_COOKIE}=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0`,
      'cache-control': 'no-store',
    },
  });
}
