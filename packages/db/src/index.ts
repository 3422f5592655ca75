export { createDatabase, getDatabase, poolConfigFromEnv, schema } from './client';
export type { Database, DatabaseConfig, Db, PoolStats, RlsClaims } from './client';
export { EnvError, loadDbEnv, parseEnv } from './env';
export type { DbEnv } from './env';
export { GuardError, assertSafeLoginRole } from './guard';
export { MAX_DOCUMENT_CHARS, splitIntoPassages } from './passages';
export type { Passage } from './passages';
export { pgErrorOf } from './errors';
export type { PgError } from './errors';
