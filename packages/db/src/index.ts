export { createDatabase, getDatabase, poolConfigFromEnv, schema } from './client';
export type { Database, DatabaseConfig, DatabaseOptions, Db, PoolStats, RlsClaims } from './client';
export { EnvError, loadDbEnv, parseEnv } from './env';
export type { DbEnv } from './env';
export { GuardError, assertSafeLoginRole } from './guard';
export { MAX_DOCUMENT_CHARS, splitIntoPassages } from './passages';
export type { Passage } from './passages';
export { pgErrorOf } from './errors';
export type { PgError } from './errors';
export { annotateFailure, failureContextOf, PoolExhaustedError } from './failures';
export type { DbFailureContext } from './failures';
export {
  formatInviteCode,
  generateInviteCode,
  hashInviteCode,
  normaliseInviteCode,
  seedInviteCode,
} from './invites';
