import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { withAdminClient } from '@openhouse/db/admin';
import { startEmbeddedPostgres } from '@openhouse/db/embedded';
import { migrate } from '@openhouse/db/migrate';
import { seed } from '@openhouse/db/seed';

import { databaseUrl } from '../test/support/urls';
import type { Teardown } from './teardown';

/**
 * The database a load run drives: a fresh one, migrated and seeded. On an embedded Postgres in a
 * temp directory by default; with DATABASE_URL (a superuser URL) on that server, where only the
 * run's own database is created and dropped.
 */

export interface LoadDatabase {
  /** Owner URL of the run's database: resetting onboarding between suites. */
  adminUrl: string;
  /** The app's login role on it: what the portal connects as. */
  appUrl: string;
  server: 'embedded' | 'DATABASE_URL';
  serverVersion: string;
  /** The server's `max_connections`. */
  maxConnections: number;
  /** The app role's name: whose backends a chaos run terminates. */
  appRole: string;
  /** Stops and starts the embedded server (chaos runs); absent with DATABASE_URL. */
  restart?: () => Promise<void>;
}

/**
 * A login role of the load run's own: on a shared server `migrate` (re)sets the role's password,
 * which must not disturb the tests' or the dev server's role.
 */
const LOAD_APP_ROLE = 'openhouse_load_app';
const LOAD_APP_PASSWORD = 'openhouse_load_app';

export async function startLoadDatabase(
  teardown: Teardown,
  log: (line: string) => void,
  /** For an embedded server: its `max_connections` (Postgres' default of 100 otherwise). */
  maxConnections?: number,
): Promise<LoadDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let restart: LoadDatabase['restart'];
  const server = serverUrl ? 'DATABASE_URL' : 'embedded';
  if (!serverUrl) {
    const dataRoot = mkdtempSync(path.join(tmpdir(), 'openhouse-load-'));
    teardown.defer('remove the temp directory', () => rmSync(dataRoot, { recursive: true, force: true }));
    process.on('exit', () => rmSync(dataRoot, { recursive: true, force: true }));
    log(`starting an embedded Postgres in ${dataRoot}`);
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataRoot, 'pg'),
      // Persistent so that a chaos run can stop and start it; the temp directory goes anyway.
      persistent: true,
      postgresFlags: maxConnections ? ['-c', `max_connections=${maxConnections}`] : [],
    });
    teardown.defer('stop the embedded Postgres', () => embedded.stop());
    restart = async () => {
      await embedded.stop();
      await embedded.start();
    };
    serverUrl = embedded.adminUrl;
  }

  const name = `openhouse_load_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database ${name}`));
  if (server === 'DATABASE_URL') {
    const url = serverUrl;
    teardown.defer(`drop database ${name}`, () =>
      withAdminClient(url, (client) => client.query(`drop database if exists ${name} with (force)`)),
    );
  }
  const adminUrl = databaseUrl(serverUrl, name);
  const appUrl = databaseUrl(serverUrl, name, LOAD_APP_ROLE, LOAD_APP_PASSWORD);
  log(`migrating and seeding ${name}`);
  await migrate({ adminUrl, appUrl });
  await seed(adminUrl);
  const facts = await withAdminClient(adminUrl, async (client) => {
    await client.query('analyze');
    const { rows } = await client.query<{ version: string; max: number }>(
      `select current_setting('server_version') as version, current_setting('max_connections')::int as max`,
    );
    return rows[0]!;
  });
  if (maxConnections && facts.max !== maxConnections) {
    log(`note: the server's max_connections is ${facts.max} (DATABASE_URL), not ${maxConnections}`);
  }
  return {
    adminUrl,
    appUrl,
    server,
    serverVersion: facts.version,
    maxConnections: facts.max,
    appRole: LOAD_APP_ROLE,
    restart,
  };
}

/** Every seeded homeowner back to "not onboarded", their invite codes unused again. */
export async function resetOnboarding(adminUrl: string): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    await client.query('begin');
    await client.query('delete from onboarding_progress');
    await client.query('update house_invites set used_at = null, used_by = null where used_at is not null');
    await client.query('commit');
  });
}
