/** Where a request's token may be: an `Authorization: Bearer` header, else the portals' cookie. */
export const TOKEN_COOKIE = 'openhouse_token';

/** A request's token and where it came from: a cookie rides along cross-site, a header never does. */
export interface RequestToken {
  token: string;
  source: 'bearer' | 'cookie';
}

export function requestToken(headers: Headers): RequestToken | undefined {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    // A malformed header still fails verification, loudly.
    return { token: match ? match[1]! : authorization, source: 'bearer' };
  }
  const cookie = headers.get('cookie');
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return { token: decodeCookieValue(value.join('=')), source: 'cookie' };
  }
  return undefined;
}

export function tokenFromHeaders(headers: Headers): string | undefined {
  return requestToken(headers)?.token;
}

/**
 * A JWT needs no decoding; a value that is not valid percent-encoding (`%E0%A4%A`) is kept as
 * sent so that it fails verification (401) instead of throwing (500).
 */
function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Whether the browser says this request comes from the page's own origin: `Sec-Fetch-Site:
 * same-origin`, or else an `Origin` whose host is the one the request was sent to (`Host`, or
 * `X-Forwarded-Host` behind a proxy). A cross-site page can send neither with the cookie: both
 * are set by the browser, and any custom header would need a CORS preflight nobody answers.
 * The scheme is not compared: TLS is often ended at a proxy that does not say so.
 */
export function isSameOriginRequest(headers: Headers): boolean {
  const fetchSite = headers.get('sec-fetch-site');
  if (fetchSite) return fetchSite === 'same-origin';
  const origin = headers.get('origin');
  const host = firstValue(headers.get('x-forwarded-host')) ?? firstValue(headers.get('host'));
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false; // `Origin: null` (sandboxed or privacy-sensitive contexts) or garbage
  }
}

/** The client's side of a proxy chain's comma-separated header, if any. */
function firstValue(value: string | null): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first || undefined;
}

/**
 * Whether a request reached this server over HTTPS: the proxy's `X-Forwarded-Proto`, else the
 * URL's own scheme.
 */
export function isHttpsRequest(req: Pick<Request, 'headers' | 'url'>): boolean {
  const forwarded = firstValue(req.headers.get('x-forwarded-proto'));
  if (forwarded) return forwarded.toLowerCase() === 'https';
  try {
    return new URL(req.url).protocol === 'https:';
  } catch {
    return false;
  }
}
