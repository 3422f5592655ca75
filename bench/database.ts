import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { withAdminClient } from '@openhouse/db/admin';
import { startEmbeddedPostgres } from '@openhouse/db/embedded';
import { migrate } from '@openhouse/db/migrate';
import { seed } from '@openhouse/db/seed';

import type { Teardown } from './cleanup';
import { insertBenchNotices } from './workload';

/**
 * The database every way is measured against: a fresh one, migrated, seeded and given enough
 * notices that a homeowner's "20 newest" is a real filter. By default on an embedded Postgres in
 * a temp directory (deleted afterwards); with BENCH_DATABASE_URL on that server instead, where
 * only the bench's own database is created and dropped.
 */

export interface BenchDatabase {
  /** Superuser/owner URL of the bench database: seeding, the unsafe baseline (b), inspection. */
  adminUrl: string;
  /** The app's login role on the bench database: no table privileges of its own. */
  appUrl: string;
  /** Where it runs, without credentials, for the report. */
  server: 'embedded' | 'BENCH_DATABASE_URL';
  serverVersion: string;
  /** `select version()`: build and platform. */
  versionString: string;
}

/**
 * A login role of the bench's own, not the tests' or the app's: on a shared server `migrate`
 * (re)sets the role's password, which must not disturb anything else.
 */
const BENCH_APP_ROLE = 'openhouse_bench_app';
const BENCH_APP_PASSWORD = 'openhouse_bench_app';

/** Enough for every pool of the run at once (4 × 10, pgbench's 50, the portal's) plus headroom. */
const EMBEDDED_MAX_CONNECTIONS = 200;
const CONNECTIONS_NEEDED = 130;

export async function startBenchDatabase(
  teardown: Teardown,
  log: (line: string) => void,
): Promise<BenchDatabase> {
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

  const name = `openhouse_bench_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ superuser: boolean; max: number; used: number }>(
      `select (select rolsuper from pg_roles where rolname = current_user) as superuser,
              current_setting('max_connections')::int as max,
              (select count(*)::int from pg_stat_activity) as used`,
    );
    const facts = rows[0]!;
    if (!facts.superuser) {
      throw new Error('BENCH_DATABASE_URL must name a superuser: the bench creates a database and a role');
    }
    if (facts.max - facts.used < CONNECTIONS_NEEDED) {
      log(
        `warning: max_connections is ${facts.max} with ${facts.used} in use; ` +
          `the 50-caller pgbench cell and the pools need about ${CONNECTIONS_NEEDED}`,
      );
    }
    await client.query(`create database ${name}`);
  });
  // An embedded server is deleted whole; on a shared server only the bench's database goes.
  if (server === 'BENCH_DATABASE_URL') {
    teardown.defer(`drop database ${name}`, () =>
      withAdminClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)),
    );
  }

  const adminUrl = databaseUrl(serverUrl, name);
  const appUrl = databaseUrl(serverUrl, name, BENCH_APP_ROLE, BENCH_APP_PASSWORD);
  log(`migrating and seeding ${name}`);
  await migrate({ adminUrl, appUrl });
  await seed(adminUrl);
  const inserted = await insertBenchNotices(adminUrl);
  log(`added ${inserted} notices so that each homeowner's newest 20 are a real filter`);

  const { serverVersion, versionString } = await withAdminClient(adminUrl, async (client) => {
    // Fresh statistics, so the planner sees the real table and not an empty one.
    await client.query('analyze');
    const { rows } = await client.query<{ server_version: string; version: string }>(
      `select current_setting('server_version') as server_version, version()`,
    );
    return { serverVersion: rows[0]!.server_version, versionString: rows[0]!.version };
  });
  return { adminUrl, appUrl, server, serverVersion, versionString };
}

/** `serverUrl` with another database and, optionally, another user. */
function databaseUrl(serverUrl: string, database: string, user?: string, password?: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = password ?? '';
  }
  return url.toString();
}

export function withoutCredentials(url: string): string {
  const { protocol, username, host, pathname } = new URL(url);
  return `${protocol}//${username ? '***@' : ''}${host}${pathname}`;
}
