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

// Pinned: a token signed any other way (including `alg: none`) is rejected before its claims are read.
const SYMMETRIC_ALGORITHMS = ['HS256'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
/** Clocks of the issuer and this server may differ this much (s): PostgREST allows the same. */
export const CLOCK_SKEW_S = 30;

export function createVerifier(env: AuthEnv): VerifyToken {
  const key: Uint8Array | JWTVerifyGetKey = env.AUTH_JWT_SECRET
    ? new TextEncoder().encode(env.AUTH_JWT_SECRET)
    : createRemoteJWKSet(new URL(env.AUTH_JWKS_URL!));
  const options = {
    algorithms: env.AUTH_JWT_SECRET ? SYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS,
    audience: env.AUTH_JWT_AUDIENCE,
    issuer: env.AUTH_JWT_ISSUER,
    requiredClaims: ['exp', 'iat', 'sub'],
    // Also refuses an `iat` more than the skew in the future, and a token issued too long ago.
    maxTokenAge: env.AUTH_JWT_MAX_AGE_S,
    clockTolerance: CLOCK_SKEW_S,
  };

  return async function verifyToken(token: string): Promise<Claims> {
    let payload: Record<string, unknown>;
    try {
      // A key function and a key take different overloads; both verify the same way.
      ({ payload } =
        key instanceof Uint8Array
          ? await jwtVerify(token, key, options)
          : await jwtVerify(token, key, options));
    } catch (error) {
      throw new AuthError(describeJoseError(error));
    }
    // jose bounds the age of a token, not its lifetime: a fresh token valid for ten years would
    // pass. Both are bounded, so a leaked token is useful for AUTH_JWT_MAX_AGE_S at most.
    if ((payload.exp as number) - (payload.iat as number) > env.AUTH_JWT_MAX_AGE_S) {
      throw new AuthError('Invalid token: claim "exp" is too far after "iat"');
    }
    const parsed = claimsSchema.safeParse(flattenClaims(payload));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const claim = issue.path.join('.') || 'app_role';
      throw new AuthError(`Invalid token: claim "${claim}" ${issue.message}`);
    }
    return parsed.data;
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
