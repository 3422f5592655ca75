import { serverFacts, startPostgres } from '@openhouse/harness/postgres';
import {
  createScaledDatabase,
  type ScaledDatabase,
  type SeedScale,
} from '@openhouse/harness/scaled-database';
import type { Teardown } from '@openhouse/harness/teardown';

import { insertBenchNotices } from './workload';

/**
 * The databases every way is measured against: one per scale, fresh, migrated and seeded by the
 * same code as `pnpm load` (`createScaledDatabase` in tooling/harness). At small scale the bench adds notices
 * of its own so that a homeowner's "20 newest" is a real filter; at medium and large the data set
 * already is one. By default on an embedded Postgres in a temp directory (deleted afterwards);
 * with BENCH_DATABASE_URL on that server instead, where only the bench's own databases are
 * created and dropped.
 */

export interface BenchServer {
  /** Where it runs, without credentials, for the report. */
  server: 'embedded' | 'BENCH_DATABASE_URL';
  serverVersion: string;
  /** `select version()`: build and platform. */
  versionString: string;
}

export interface BenchDatabase extends ScaledDatabase {
  /** Notices the bench added to the seed (small scale only). */
  benchNotices: number;
}

/**
 * A login role of the bench's own, not the tests' or the app's: on a shared server `migrate`
 * (re)sets the role's password, which must not disturb anything else.
 */
const BENCH_APP_ROLE = 'openhouse_bench_app';
const BENCH_APP_PASSWORD = 'openhouse_bench_app';

/** Enough for every pool of the run at once (per scale 3 × 10 + 1, pgbench's 50, the portal's) plus headroom. */
const EMBEDDED_MAX_CONNECTIONS = 200;
const connectionsNeeded = (scales: number) => 130 + 31 * (scales - 1);

export async function startBenchDatabases(
  scales: SeedScale[],
  teardown: Teardown,
  log: (line: string) => void,
): Promise<{ server: BenchServer; databases: BenchDatabase[] }> {
  const postgres = await startPostgres({
    url: process.env.BENCH_DATABASE_URL,
    label: 'bench',
    settings: { max_connections: EMBEDDED_MAX_CONNECTIONS },
    log,
  });
  teardown.defer('stop the embedded Postgres and remove its directory', () => postgres.stop());
  const serverUrl = postgres.url;
  const server = postgres.source === 'url' ? 'BENCH_DATABASE_URL' : 'embedded';
  if (postgres.source === 'url') log(`using BENCH_DATABASE_URL (${withoutCredentials(serverUrl)})`);

  const facts = await serverFacts(serverUrl);
  if (!facts.superuser) {
    throw new Error('BENCH_DATABASE_URL must name a superuser: the bench creates a database and a role');
  }
  const needed = connectionsNeeded(scales.length);
  if (facts.maxConnections - facts.connectionsInUse < needed) {
    log(
      `warning: max_connections is ${facts.maxConnections} with ${facts.connectionsInUse} in use; ` +
        `the 50-caller pgbench cell and the pools need about ${needed}`,
    );
  }

  const databases: BenchDatabase[] = [];
  for (const scale of scales) {
    let benchNotices = 0;
    const database = await createScaledDatabase({
      serverUrl,
      prefix: 'openhouse_bench',
      appRole: BENCH_APP_ROLE,
      appPassword: BENCH_APP_PASSWORD,
      scale,
      dropAfterwards: server === 'BENCH_DATABASE_URL',
      teardown,
      log,
      afterSeed:
        scale === 'small'
          ? async (adminUrl) => {
              benchNotices = await insertBenchNotices(adminUrl);
              log(`added ${benchNotices} notices so that each homeowner's newest 20 are a real filter`);
            }
          : undefined,
    });
    databases.push({ ...database, benchNotices });
  }
  return {
    server: { server, serverVersion: facts.serverVersion, versionString: facts.versionString },
    databases,
  };
}

export function withoutCredentials(url: string): string {
  const { protocol, username, host, pathname } = new URL(url);
  return `${protocol}//${username ? '***@' : ''}${host}${pathname}`;
}
