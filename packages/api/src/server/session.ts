import { TOKEN_COOKIE } from '@openhouse/auth';

/**
 * The portals' session: the same JWT a client would send as `Authorization: Bearer`, in an
 * httpOnly cookie that the context reads (`tokenFromHeaders`). Set by the dev sign-in
 * (`@openhouse/seed/dev-sign-in`), cleared by sign-out.
 */
export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

/** `POST /api/dev/sign-out`: clears the session. Served in production too: any session can end. */
export function handleSignOut(): Response {
  return new Response(null, {
    status: 303,
    headers: { location: '/sign-in', 'set-cookie': sessionCookie('', 0) },
  });
}
