import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { withAdminClient } from '@openhouse/db/admin';
import { startEmbeddedPostgres } from '@openhouse/db/embedded';

import { createScaledDatabase, type ScaledDatabase, type SeedScale } from '../loadtests/scaled-database';
import type { Teardown } from './cleanup';
import { insertBenchNotices } from './workload';

/**
 * The databases every way is measured against: one per scale, fresh, migrated and seeded by the
 * same code as `pnpm load` (loadtests/scaled-database.ts). At small scale the bench adds notices
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
  let serverUrl = process.env.BENCH_DATABASE_URL;
  const server = serverUrl ? 'BENCH_DATABASE_URL' : 'embedded';
  if (!serverUrl) {
    const dataRoot = mkdtempSync(path.join(tmpdir(), 'openhouse-bench-'));
    teardown.defer('remove the temp directory', () => rmSync(dataRoot, { recursive: true, force: true }));
    // Also on a hard exit: the embedded server deletes its data directory, this the parent.
    process.on('exit', () => rmSync(dataRoot, { recursive: true, force: true }));
    log(`starting an embedded Postgres in ${dataRoot}`);
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataRoot, 'pg'),
      persistent: false,
      postgresFlags: ['-c', `max_connections=${EMBEDDED_MAX_CONNECTIONS}`],
    });
    teardown.defer('stop the embedded Postgres', () => embedded.stop());
    serverUrl = embedded.adminUrl;
  } else {
    log(`using BENCH_DATABASE_URL (${withoutCredentials(serverUrl)})`);
  }

  const facts = await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{
      superuser: boolean;
      max: number;
      used: number;
      server_version: string;
      version: string;
    }>(
      `select (select rolsuper from pg_roles where rolname = current_user) as superuser,
              current_setting('max_connections')::int as max,
              (select count(*)::int from pg_stat_activity) as used,
              current_setting('server_version') as server_version, version()`,
    );
    return rows[0]!;
  });
  if (!facts.superuser) {
    throw new Error('BENCH_DATABASE_URL must name a superuser: the bench creates a database and a role');
  }
  const needed = connectionsNeeded(scales.length);
  if (facts.max - facts.used < needed) {
    log(
      `warning: max_connections is ${facts.max} with ${facts.used} in use; ` +
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
    server: { server, serverVersion: facts.server_version, versionString: facts.version },
    databases,
  };
}

export function withoutCredentials(url: string): string {
  const { protocol, username, host, pathname } = new URL(url);
  return `${protocol}//${username ? '***@' : ''}${host}${pathname}`;
}
