export { claimsSchema, flattenClaims } from './claims';
export type { AppRole, Claims } from './claims';
export { authEnvSchema, DEFAULT_JWT_MAX_AGE_S, loadAuthEnv } from './env';
export type { AuthEnv } from './env';
export { isHttpsRequest, isSameOriginRequest, requestToken, TOKEN_COOKIE, tokenFromHeaders } from './request';
export type { RequestToken } from './request';
export { AuthError, CLOCK_SKEW_S, createVerifier, isAuthError } from './verify';
export type { VerifyToken } from './verify';
