import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { withAdminClient } from '@openhouse/db/admin';
import { startEmbeddedPostgres } from '@openhouse/db/embedded';
import { seedData } from '@openhouse/db/seed-data';

import { createScaledDatabase, type ScaledDatabase, type SeedScale } from './scaled-database';
import type { Teardown } from './teardown';

/**
 * The databases a load run drives: one per scale it measures, each fresh, migrated and seeded
 * (loadtests/scaled-database.ts, shared with `pnpm bench`). On an embedded Postgres in a temp
 * directory by default; with DATABASE_URL (a superuser URL) on that server, where only the run's
 * own databases are created and dropped.
 */

export interface LoadDatabase extends Pick<ScaledDatabase, 'scale' | 'sizes' | 'seeded' | 'preparedSeconds'> {
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

export async function startLoadDatabases(
  scales: SeedScale[],
  teardown: Teardown,
  log: (line: string) => void,
  /** For an embedded server: its `max_connections` (Postgres' default of 100 otherwise). */
  maxConnections?: number,
): Promise<LoadDatabase[]> {
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

  const facts = await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ version: string; max: number }>(
      `select current_setting('server_version') as version, current_setting('max_connections')::int as max`,
    );
    return rows[0]!;
  });
  if (maxConnections && facts.max !== maxConnections) {
    log(`note: the server's max_connections is ${facts.max} (DATABASE_URL), not ${maxConnections}`);
  }
  // Every database is ready before any suite runs, so that no seeding competes with a measurement.
  const databases: LoadDatabase[] = [];
  for (const scale of scales) {
    const { adminUrl, appUrl, sizes, seeded, preparedSeconds } = await createScaledDatabase({
      serverUrl,
      prefix: 'openhouse_load',
      appRole: LOAD_APP_ROLE,
      appPassword: LOAD_APP_PASSWORD,
      scale,
      dropAfterwards: server === 'DATABASE_URL',
      teardown,
      log,
    });
    databases.push({
      scale,
      adminUrl,
      appUrl,
      server,
      serverVersion: facts.version,
      maxConnections: facts.max,
      appRole: LOAD_APP_ROLE,
      restart,
      sizes,
      seeded,
      preparedSeconds,
    });
  }
  return databases;
}

const SEEDED_HOMEOWNERS = seedData.users.filter((user) => user.appRole === 'homeowner');

/**
 * Every seeded homeowner (the ones the suites sign in as) back to "not onboarded", their houses'
 * invite codes unused again. Only theirs: at medium and large scale the bulk homeowners' progress
 * is part of the data set being measured and stays as loaded.
 */
export async function resetOnboarding(adminUrl: string): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    await client.query('begin');
    await client.query('delete from onboarding_progress where user_id = any($1::uuid[])', [
      SEEDED_HOMEOWNERS.map((user) => user.id),
    ]);
    await client.query(
      'update house_invites set used_at = null, used_by = null where house_id = any($1::uuid[]) and used_at is not null',
      [SEEDED_HOMEOWNERS.map((user) => user.houseId)],
    );
    await client.query('commit');
  });
}
