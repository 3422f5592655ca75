import { randomBytes } from 'node:crypto';

import type pg from 'pg';
import { inject } from 'vitest';

import { createDatabase, loadDbEnv, poolConfigFromEnv, type Database } from '@openhouse/db';
import { withAdminClient } from '@openhouse/db/admin';

import { startPgBouncer, type PgBouncer } from './pgbouncer';
import { APP_PASSWORD, APP_ROLE, databaseUrl } from './urls';

/**
 * With TEST_THROUGH_PGBOUNCER=1 the app's pools connect through a real PgBouncer in transaction
 * mode (two server connections) instead of directly; admin connections stay direct.
 */
const THROUGH_PGBOUNCER = process.env.TEST_THROUGH_PGBOUNCER === '1';

export interface TestDatabase {
  name: string;
  /** Owner/superuser URL for this database: seeding extra rows, inspecting, killing backends. */
  adminUrl: string;
  /** The app's login role. */
  appUrl: string;
  /** A pool as the app builds it, from the same env parsing; extra variables override defaults. */
  connect(env?: Record<string, string>): Database;
  /** A one-off query as the admin role. */
  adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated, seeded template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('testServerUrl');
  const template = inject('templateDatabase');
  const name = `openhouse_test_${randomBytes(5).toString('hex')}`;
  await withAdminClient(serverUrl, async (client) => {
    // Two files cloning at the same moment can briefly see each other on the template; retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${name} template ${template}`);
        // A clone does not keep the template's database privileges: PUBLIC has TEMP again, and
        // the start-up guard refuses that, as migration 0007 does.
        await client.query(`revoke temporary on database ${name} from public`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  const adminUrl = databaseUrl(serverUrl, name);
  const directAppUrl = databaseUrl(serverUrl, name, APP_ROLE, APP_PASSWORD);
  const bouncer: PgBouncer | undefined = THROUGH_PGBOUNCER ? await startPgBouncer(directAppUrl) : undefined;
  const appUrl = bouncer?.url ?? directAppUrl;
  const pools: Database[] = [];

  return {
    name,
    adminUrl,
    appUrl,
    connect(env = {}) {
      const database = connectApp(appUrl, env);
      pools.push(database);
      return database;
    },
    adminQuery: (sql, params) =>
      withAdminClient(adminUrl, async (client) => (await client.query(sql, params)).rows),
    async drop() {
      await Promise.all(pools.map((pool) => pool.close()));
      await bouncer?.stop();
      await withAdminClient(serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

/**
 * A pool on `appUrl` as the app builds it, from the same env parsing (`DB_POOL_MIN` 0 unless
 * given): extra variables override the defaults. Idle-client errors are expected in tests that
 * kill backends, so they are not logged.
 */
export function connectApp(appUrl: string, env: Record<string, string> = {}): Database {
  return createDatabase(poolConfigFromEnv(loadDbEnv({ DATABASE_URL: appUrl, DB_POOL_MIN: '0', ...env })), {
    onIdleError: () => {},
  });
}
