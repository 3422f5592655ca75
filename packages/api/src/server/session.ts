import { isHttpsRequest, TOKEN_COOKIE } from '@openhouse/auth';

/**
 * The portals' session: the same JWT a client would send as `Authorization: Bearer`, in an
 * httpOnly cookie that the context reads (`requestToken`). Set by the dev sign-in
 * (`@openhouse/seed/dev-sign-in`), cleared by sign-out. `Secure` whenever the request that sets
 * it came over HTTPS (directly or through a proxy that says so in `X-Forwarded-Proto`), so the
 * browser never sends the token over plain HTTP; a plain-HTTP dev server gets it without.
 */
export function sessionCookie(
  token: string,
  maxAgeSeconds: number,
  req?: Pick<Request, 'headers' | 'url'>,
): string {
  const secure = req && isHttpsRequest(req) ? '; Secure' : '';
  return `${TOKEN_COOKIE}=${token}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/** `POST /api/dev/sign-out`: clears the session. Served in production too: any session can end. */
export function handleSignOut(req?: Request): Response {
  return new Response(null, {
    status: 303,
    headers: { location: '/sign-in', 'set-cookie': sessionCookie('', 0, req) },
  });
}
