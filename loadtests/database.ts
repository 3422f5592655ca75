import { withAdminClient } from '@openhouse/db/admin';
import { serverFacts, startPostgres } from '@openhouse/harness/postgres';
import {
  createScaledDatabase,
  type ScaledDatabase,
  type SeedScale,
} from '@openhouse/harness/scaled-database';
import type { Teardown } from '@openhouse/harness/teardown';
import { seedData } from '@openhouse/seed';

/**
 * The databases a load run drives: one per scale it measures, each fresh, migrated and seeded
 * (`createScaledDatabase` in tooling/harness, shared with `pnpm bench`). On an embedded Postgres in a temp
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
  const postgres = await startPostgres({
    url: process.env.DATABASE_URL,
    label: 'load',
    // Persistent so that a chaos run can stop and start it; the temp directory goes anyway.
    persistent: true,
    settings: maxConnections ? { max_connections: maxConnections } : {},
    log,
  });
  teardown.defer('stop the embedded Postgres and remove its directory', () => postgres.stop());
  const serverUrl = postgres.url;
  const server = postgres.source === 'url' ? 'DATABASE_URL' : 'embedded';
  const { embedded } = postgres;
  const restart = embedded
    ? async () => {
        await embedded.stop();
        await embedded.start();
      }
    : undefined;

  const facts = await serverFacts(serverUrl);
  if (maxConnections && facts.maxConnections !== maxConnections) {
    log(
      `note: the server's max_connections is ${facts.maxConnections} (DATABASE_URL), not ${maxConnections}`,
    );
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
      serverVersion: facts.serverVersion,
      maxConnections: facts.maxConnections,
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
