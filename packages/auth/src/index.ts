export { claimsSchema, flattenClaims } from './claims';
export type { AppRole, Claims } from './claims';
export { authEnvSchema, loadAuthEnv } from './env';
export type { AuthEnv } from './env';
export { TOKEN_COOKIE, tokenFromHeaders } from './request';
export { AuthError, createVerifier, isAuthError } from './verify';
export type { VerifyToken } from './verify';
