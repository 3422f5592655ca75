import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

import { claimsSchema, flattenClaims, type Claims } from './claims';
import type { AuthEnv } from './env';

/** A request that cannot be authenticated: always answered with 401 and this message. */
export class AuthError extends Error {
  readonly status = 401;
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/**
 * By name, not `instanceof`: Next.js can load this module once per bundle layer, and a verifier
 * created in one layer throws the other layer's class.
 */
export function isAuthError(error: unknown): error is AuthError {
  return error instanceof Error && error.name === 'AuthError';
}

export type VerifyToken = (token: string) => Promise<Claims>;

/** WebCrypto's key type, named without the DOM library. */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

// Pinned: a token signed any other way (including `alg: none`) is rejected before its claims are read.
const SYMMETRIC_ALGORITHMS = ['HS256'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
/** Clocks of the issuer and this server may differ this much (s): PostgREST allows the same. */
export const CLOCK_SKEW_S = 30;

/**
 * Verified tokens kept per verifier (HS256 only), so a client sending the same token request after
 * request pays one signature check, not one each time: PostgREST keeps the same cache. Bounded;
 * the oldest entry goes first.
 */
export const VERIFIED_TOKEN_CACHE_SIZE = 2_000;

interface CachedToken {
  claims: Claims;
  /** Epoch seconds from which jose would refuse the token (`exp`, or `iat` + the maximum age). */
  until: number;
}

export function createVerifier(env: AuthEnv): VerifyToken {
  const maxAge = env.AUTH_JWT_MAX_AGE_S;
  const options = {
    algorithms: env.AUTH_JWT_SECRET ? SYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS,
    audience: env.AUTH_JWT_AUDIENCE,
    issuer: env.AUTH_JWT_ISSUER,
    requiredClaims: ['exp', 'iat', 'sub'],
    // Also refuses an `iat` more than the skew in the future, and a token issued too long ago.
    maxTokenAge: maxAge,
    clockTolerance: CLOCK_SKEW_S,
  };

  /** The claims, and from when (epoch s) jose accepts the token without its skew: `iat`, `nbf`. */
  const verifyWithJose = async (token: string): Promise<{ claims: Claims; notBefore: number }> => {
    // Outside the try: a key that cannot be imported is the server's fault (500), not a bad token.
    const key = typeof getKey === 'function' ? getKey : await getKey.key();
    let payload: Record<string, unknown>;
    try {
      // A key function and a key take different overloads; both verify the same way.
      ({ payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, options)
          : await jwtVerify(token, key, options));
    } catch (error) {
      throw new AuthError(describeJoseError(error));
    }
    // jose bounds the age of a token, not its lifetime: a fresh token valid for ten years would
    // pass. Both are bounded, so a leaked token is useful for AUTH_JWT_MAX_AGE_S at most.
    if ((payload.exp as number) - (payload.iat as number) > maxAge) {
      throw new AuthError('Invalid token: claim "exp" is too far after "iat"');
    }
    const parsed = claimsSchema.safeParse(flattenClaims(payload));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const claim = issue.path.join('.') || 'app_role';
      throw new AuthError(`Invalid token: claim "${claim}" ${issue.message}`);
    }
    const nbf = typeof payload.nbf === 'number' ? payload.nbf : parsed.data.iat;
    return { claims: parsed.data, notBefore: Math.max(parsed.data.iat, nbf) };
  };

  const getKey: { key: () => Promise<HmacKey> } | JWTVerifyGetKey = env.AUTH_JWT_SECRET
    ? { key: hmacKey(env.AUTH_JWT_SECRET) }
    : createRemoteJWKSet(new URL(env.AUTH_JWKS_URL!));
  // Not with JWKS: a key withdrawn from the set must stop its tokens at once, not at their `exp`.
  if (!env.AUTH_JWT_SECRET) return async (token) => (await verifyWithJose(token)).claims;

  const cache = new Map<string, CachedToken>();
  return async function verifyToken(token: string): Promise<Claims> {
    const now = Math.floor(Date.now() / 1000); // jose's clock: whole seconds
    const hit = cache.get(token);
    // The key is the whole token, signature included: only the exact token verified before hits.
    // Everything else jose checked depends on the token alone except time, checked here, stricter
    // than jose (no skew): past it, jose decides again and gives its own answer.
    if (hit && now < hit.until) return { ...hit.claims };
    if (hit) cache.delete(token);
    const { claims, notBefore } = await verifyWithJose(token);
    // Cached only once its `iat` and `nbf` have passed: jose accepts them up to the skew in the
    // future, and without the skew a cached answer would be more lenient than jose's.
    if (notBefore <= now) {
      if (cache.size >= VERIFIED_TOKEN_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(token, { claims, until: Math.min(claims.exp, claims.iat + maxAge) });
    }
    return { ...claims };
  };
}

/**
 * The HS256 secret as a WebCrypto key, imported once: jose imports a raw secret (a Uint8Array)
 * again on every verification. A failed import is not kept, so the next request tries again.
 */
function hmacKey(secret: string): () => Promise<HmacKey> {
  let key: Promise<HmacKey> | undefined;
  return () => {
    key ??= crypto.subtle
      .importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ])
      .catch((error: unknown) => {
        key = undefined;
        throw error;
      });
    return key;
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Invalid token: expired';
  if (
    error instanceof errors.JWTClaimValidationFailed &&
    error.claim === 'iat' &&
    error.reason === 'check_failed'
  ) {
    return 'Invalid token: claim "iat" is in the future';
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `Invalid token: claim "${error.claim}" ${error.reason === 'missing' ? 'is missing' : 'is not accepted'}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'Invalid token: signing algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Invalid token: bad signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Invalid token: no matching signing key';
  if (error instanceof errors.JOSEError) return 'Invalid token: malformed';
  return 'Invalid token';
}
