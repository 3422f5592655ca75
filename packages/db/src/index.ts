export { createDatabase, poolConfigFromEnv, schema } from './client';
export type { Database, DatabaseConfig, DatabaseOptions, Db, PoolStats, RlsClaims } from './client';
export { loadDbEnv } from './env';
export { FairShare, defaultTenantMax } from './fair-share';
export type { FairShareCounters, TenantShare } from './fair-share';
export type { DbEnv } from './env';
export { classifyDbFailure, pgErrorOf } from './failures';
export type { DbFailure, DbFailureContext, DbFailureKind, PgError } from './failures';
export { GuardError, assertSafeLoginRole } from './guard';
