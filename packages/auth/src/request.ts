/** Where a request's token may be: an `Authorization: Bearer` header, else the portals' cookie. */
export const TOKEN_COOKIE = 'openhouse_token';

export function tokenFromHeaders(headers: Headers): string | undefined {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    return match ? match[1] : authorization; // a malformed header still fails verification, loudly
  }
  const cookie = headers.get('cookie');
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
