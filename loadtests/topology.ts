import { startPgBouncer } from '@openhouse/harness/pgbouncer';
import { startPortal, type NextServer } from '@openhouse/harness/next-server';
import type { Teardown } from '@openhouse/harness/teardown';

import type { LoadDatabase } from './database';
import { LOAD_RATE_LIMITS } from './homeowners';

/**
 * Where the load goes. `direct`: one tenant portal straight to Postgres. `pgbouncer`: three
 * tenant portals (their production servers on three ports, the load client spreading its connections over
 * them) whose pools connect through one PgBouncer in transaction mode to a Postgres started with
 * fewer `max_connections` than the portals' pools add up to.
 */

export type TopologyName = 'direct' | 'pgbouncer' | 'serverless';

export interface Topology {
  name: TopologyName;
  portals: NextServer[];
  /** The sum of the portals' DB_POOL_MAX. */
  poolMax: number;
  description: string;
  /** Stops the portals and PgBouncer now (they are stopped at teardown otherwise). */
  stop(): Promise<void>;
}

export const PGBOUNCER_PORTALS = 3;
/** Below the 3 × DB_POOL_MAX = 30 connections the portals would open directly. */
export const PGBOUNCER_MAX_CONNECTIONS = 25;
/**
 * PgBouncer's server connections: Postgres keeps 3 of its 25 for superusers, and the run's admin
 * connections (onboarding reset) need one of those, so 20 leaves headroom under the 22 left.
 */
export const PGBOUNCER_SERVER_POOL = 20;

export async function startTopology(options: {
  name: TopologyName;
  database: LoadDatabase;
  portalEnv: Record<string, string>;
  poolMax: number;
  teardown: Teardown;
  log: (line: string) => void;
}): Promise<Topology> {
  const { name, database, portalEnv, poolMax, teardown, log } = options;
  let appUrl = database.appUrl;
  let portalCount = 1;
  let description = 'one tenant portal, directly to Postgres';
  const stops: (() => Promise<void>)[] = [];
  if (name === 'pgbouncer') {
    const bouncer = await startPgBouncer(database.appUrl, PGBOUNCER_SERVER_POOL);
    stops.push(teardown.defer('stop PgBouncer', () => bouncer.stop()));
    appUrl = bouncer.url;
    portalCount = PGBOUNCER_PORTALS;
    description =
      `${PGBOUNCER_PORTALS} tenant portals (DB_POOL_MAX=${poolMax} each) → PgBouncer, transaction mode, ` +
      `${PGBOUNCER_SERVER_POOL} server connections → Postgres max_connections=${database.maxConnections}`;
    log(`PgBouncer up at ${new URL(bouncer.url).host}`);
  }
  const portals: NextServer[] = [];
  for (let i = 0; i < portalCount; i++) {
    const started = Date.now();
    const portal = await startPortal('tenant-portal', {
      ...LOAD_RATE_LIMITS,
      ...portalEnv,
      DATABASE_URL: appUrl,
    });
    stops.push(teardown.defer(`stop tenant portal ${portal.url}`, () => portal.stop()));
    portals.push(portal);
    log(`tenant portal up at ${portal.url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return {
    name,
    portals,
    poolMax: poolMax * portalCount,
    description,
    // Portals first, then PgBouncer: the reverse of starting them.
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
