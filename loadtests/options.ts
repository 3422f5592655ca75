import { UsageError } from '@openhouse/harness/cli';
import { SEED_SCALES, type SeedScale } from '@openhouse/seed';

import { SERVERLESS_PATHS, type ServerlessPath } from './serverless-options';
import type { TopologyName } from './topology';

/**
 * `pnpm load [--profile smoke|default|peak] [--topology direct|pgbouncer] [--scale …] [--suite …]…`.
 * A profile fixes the concurrency, the duration per suite and the pool settings the portal is
 * started with; the scale, the data set the database is seeded with.
 */

export const POOL_MAX = 10;

export interface Profile {
  name: 'smoke' | 'default' | 'peak';
  /** autocannon connections: each is one homeowner's browser keeping one request in flight. */
  connections: number;
  seconds: number;
  /** Environment of the portal under test (see "Load tests" in docs/PHASE_20.1_DB_POOLING.md). */
  portalEnv: Record<string, string>;
}

const PROFILES: Record<Profile['name'], Profile> = {
  // CI: a few seconds per suite, enough to cross every procedure many times with a full pool.
  smoke: { name: 'smoke', connections: 12, seconds: 5, portalEnv: {} },
  default: { name: 'default', connections: 50, seconds: 20, portalEnv: {} },
  // 20 × DB_POOL_MAX callers on a pool of 10: up to 190 requests queue for a connection at once.
  // The wait is bounded by DB_CONNECTION_TIMEOUT_MS (default 5 s); on two shared cores a queue of
  // 190 clears in well under that, but a slow tick must not turn into 503s, so it gets 30 s.
  peak: {
    name: 'peak',
    connections: 20 * POOL_MAX,
    seconds: 30,
    portalEnv: { DB_CONNECTION_TIMEOUT_MS: '30000', DB_POOL_MAX_WAITING: '500' },
  },
};

export const SUITE_NAMES = ['chat', 'onboarding', 'rag'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

export interface LoadOptions {
  profile: Profile;
  topology: TopologyName;
  chaos: boolean;
  /**
   * The data set (`seedAtScale`). Other than small, the same run first runs the suites on a small
   * database and reports both side by side.
   */
  scale: SeedScale;
  suites: SuiteName[];
  /** `--topology serverless`: the paths to run (both by default), the instances, the client. */
  serverless: {
    paths: ServerlessPath[];
    instances?: number;
    client: 'global' | 'per-request';
    /** PgBouncer's `client_idle_timeout`, seconds: the pooler (or its network) drops idle clients. */
    poolerIdleTimeoutS?: number;
  };
  command: string;
}

const USAGE = `usage: pnpm load [--profile smoke|default|peak] [--topology direct|pgbouncer|serverless] [--chaos]
                 [--scale small|medium|large] [--suite chat|onboarding|rag]...
                 [--path direct|pgbouncer]... [--instances N] [--client global|per-request]
                 [--pooler-idle-timeout S]

  --profile smoke    ${describe(PROFILES.smoke)} (CI)
  --profile default  ${describe(PROFILES.default)}
  --profile peak     ${describe(PROFILES.peak)}
  --profile noisy    one tenant at 200 connections beside another at 5, the latter also alone
                     first; reports the light tenant's p50/p99 both ways (no other flags)
  --topology direct     one tenant portal straight to Postgres (default)
  --topology pgbouncer  three tenant portals (DB_POOL_MAX=10 each) through PgBouncer in
                        transaction mode to a Postgres with max_connections=25
  --topology serverless up to 40 function instances (8 in smoke), VERCEL=1 pools, started cold,
                        frozen (SIGSTOP) and thawed by a front; first straight to a Postgres
                        whose max_connections is below instances × DB_POOL_MAX (the "before"),
                        then through PgBouncer in transaction mode (the "after", must be clean)
  --path NAME        serverless: run only this path (repeatable)
  --instances N      serverless: at most N instances
  --client per-request  serverless: a pool per transaction, closed after it, instead of one
                     module-global pool per instance
  --pooler-idle-timeout S  serverless: PgBouncer closes client connections idle S seconds (as a
                     pooler or a platform's network may), frozen instances' ones included
  --chaos            during each suite: terminate the app's backends twice, restart Postgres
                     once (embedded only); passes when requests succeed again within 2 s
  --scale small      the deterministic seed (default)
  --scale medium|large  seed a production-sized data set (large: minutes to load); the suites
                     run at small scale first, on a database of their own, and the report puts
                     both side by side (target: no errors, ≥ 0.8× the small req/s)
  --suite NAME       run only this suite (repeatable); all three by default

DATABASE_URL (a superuser URL) runs against that server in a database of the run's own;
otherwise an embedded Postgres in a temp directory is used.`;

function describe(profile: Profile): string {
  return `${profile.connections} connections, ${profile.seconds} s per suite`;
}

/** `--profile noisy` is a run of its own (`noisy.ts`), which takes no other flag. */
export function isNoisyRun(args: string[]): boolean {
  const given = args.filter((arg) => arg !== '--');
  const at = given.indexOf('--profile');
  if (at < 0 || given[at + 1] !== 'noisy') return false;
  if (given.length !== 2) throw new UsageError(`--profile noisy takes no other flag\n\n${USAGE}`);
  return true;
}

export function parseLoadOptions(args: string[]): LoadOptions {
  let profile = PROFILES.default;
  let topology: TopologyName = 'direct';
  let chaos = false;
  let scale: SeedScale = 'small';
  const suites: SuiteName[] = [];
  const paths: ServerlessPath[] = [];
  let instances: number | undefined;
  let client: 'global' | 'per-request' = 'global';
  let poolerIdleTimeoutS: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value\n\n${USAGE}`);
      return next;
    };
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE, 0);
    if (arg === '--profile') {
      const name = value();
      if (!(name in PROFILES)) throw new UsageError(`unknown profile ${name}\n\n${USAGE}`);
      profile = PROFILES[name as Profile['name']];
    } else if (arg === '--suite') {
      const name = value();
      if (!SUITE_NAMES.includes(name as SuiteName)) throw new UsageError(`unknown suite ${name}\n\n${USAGE}`);
      suites.push(name as SuiteName);
    } else if (arg === '--topology') {
      const name = value();
      if (name !== 'direct' && name !== 'pgbouncer' && name !== 'serverless')
        throw new UsageError(`unknown topology ${name}\n\n${USAGE}`);
      topology = name;
    } else if (arg === '--path') {
      const name = value();
      if (!SERVERLESS_PATHS.includes(name as ServerlessPath))
        throw new UsageError(`unknown path ${name}\n\n${USAGE}`);
      paths.push(name as ServerlessPath);
    } else if (arg === '--instances') {
      const text = value();
      instances = Number(text);
      if (!/^[1-9][0-9]*$/.test(text))
        throw new UsageError(`--instances needs a positive whole number\n\n${USAGE}`);
    } else if (arg === '--pooler-idle-timeout') {
      const text = value();
      poolerIdleTimeoutS = Number(text);
      if (!/^[0-9]+(?:\.[0-9]+)?$/.test(text) || poolerIdleTimeoutS <= 0)
        throw new UsageError(`--pooler-idle-timeout needs a number of seconds\n\n${USAGE}`);
    } else if (arg === '--client') {
      const name = value();
      if (name !== 'global' && name !== 'per-request')
        throw new UsageError(`unknown client ${name}\n\n${USAGE}`);
      client = name;
    } else if (arg === '--scale') {
      const name = value();
      if (!SEED_SCALES.includes(name as SeedScale)) throw new UsageError(`unknown scale ${name}\n\n${USAGE}`);
      scale = name as SeedScale;
    } else if (arg === '--chaos') {
      chaos = true;
    } else {
      throw new UsageError(`unknown argument ${arg}\n\n${USAGE}`);
    }
  }
  if (chaos && (topology !== 'direct' || process.env.DATABASE_URL)) {
    throw new UsageError(
      '--chaos restarts the embedded Postgres: use it without DATABASE_URL and --topology',
    );
  }
  if ((paths.length || instances || client !== 'global' || poolerIdleTimeoutS) && topology !== 'serverless') {
    throw new UsageError(
      '--path, --instances, --client and --pooler-idle-timeout belong to --topology serverless',
    );
  }
  if (topology === 'serverless' && (process.env.DATABASE_URL || chaos || scale !== 'small')) {
    // It sets max_connections and the login role's idle_session_timeout: only on its own server.
    throw new UsageError(
      '--topology serverless starts its own Postgres: use it without DATABASE_URL, --chaos, --scale',
    );
  }
  if (chaos && scale !== 'small') {
    // A chaos run measures recovery from faults, where errors are expected; a scale run compares
    // throughput and wants none. Together neither comparison would mean anything.
    throw new UsageError('--chaos measures recovery, not data size: use it without --scale');
  }
  return {
    profile,
    topology,
    chaos,
    scale,
    suites: suites.length ? suites : [...SUITE_NAMES],
    serverless: {
      paths: paths.length ? paths : [...SERVERLESS_PATHS],
      instances,
      client,
      poolerIdleTimeoutS,
    },
    command: ['pnpm load', ...args.filter((arg) => arg !== '--')].join(' '),
  };
}
