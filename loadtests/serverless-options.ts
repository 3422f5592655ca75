import type { PlatformSettings } from './serverless';

/**
 * `--topology serverless` per profile: how many instances, how the traffic's wave moves, how long
 * a frozen instance is held, the server's limits. The instances run with `VERCEL=1`, i.e. the
 * platform defaults of packages/db/src/env.ts (`DB_POOL_MIN=0`, `DB_POOL_MAX=5`,
 * `DB_IDLE_TIMEOUT_MS=5000`), unless the profile says otherwise.
 */

export type ServerlessPath = 'direct' | 'pgbouncer';
export const SERVERLESS_PATHS: ServerlessPath[] = ['direct', 'pgbouncer'];
/** What `VERCEL=1` defaults `DB_POOL_MAX` to; the connection budget below is sized from it. */
export const SERVERLESS_POOL_MAX = 5;

export interface ServerlessProfile extends Omit<PlatformSettings, 'client' | 'env' | 'instanceFile'> {
  /** Postgres' `max_connections`: below instances × DB_POOL_MAX, so that the direct path overflows. */
  maxConnections: number;
  /** PgBouncer's server connections (`default_pool_size`), below `max_connections` minus the reserve. */
  serverPool: number;
  /** `idle_session_timeout` set on the app's login role: the server ends a session idle this long. */
  idleSessionTimeoutMs: number;
  /** Seconds per suite, instead of the profile's (cold starts and holds need a few seconds). */
  seconds: number;
  /** Extra instance environment on top of `VERCEL=1`. */
  env: Record<string, string>;
}

const FULL_SIZE: ServerlessProfile = {
  instances: 40,
  minActive: 6,
  wavePeriodMs: 16_000,
  holdMs: [7_000, 12_000],
  reclaimAfterMs: 15_000,
  settleMs: 300,
  maxStarting: 6,
  seconds: 30,
  maxConnections: 50,
  serverPool: 30,
  idleSessionTimeoutMs: 6_000,
  env: {},
};

export const SERVERLESS_PROFILES: Record<'smoke' | 'default' | 'peak', ServerlessProfile> = {
  // CI: 8 instances (40 pooled connections at most) into max_connections=20, and everything
  // shortened so that freezes outlast the idle limit and thaw within a few seconds' suite.
  smoke: {
    instances: 8,
    minActive: 2,
    wavePeriodMs: 6_000,
    holdMs: [2_500, 4_000],
    reclaimAfterMs: 6_000,
    settleMs: 200,
    maxStarting: 2,
    seconds: 6,
    maxConnections: 20,
    serverPool: 12,
    idleSessionTimeoutMs: 2_000,
    // Below the server's idle limit, as in the defaults (5 s under the 6 s of the default profile).
    env: { DB_IDLE_TIMEOUT_MS: '1500' },
  },
  // 40 instances × DB_POOL_MAX=5 = 200 possible connections into max_connections=50.
  default: FULL_SIZE,
  // The same platform with more instances kept awake between waves.
  peak: { ...FULL_SIZE, minActive: 10 },
};
