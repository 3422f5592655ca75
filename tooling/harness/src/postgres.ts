import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { withAdminClient } from '@openhouse/db/admin';
import { migrate } from '@openhouse/db/migrate';

import { EmbeddedPostgresUnavailable, startEmbeddedPostgres, type EmbeddedServer } from './embedded';
import { databaseUrl } from './urls';

/**
 * The one way every tool gets a database: `pnpm dev` and `pnpm db:*` (scripts/lib/local-env.ts),
 * the test run (vitest-setup.ts), `pnpm load` and `pnpm bench` (scaled-database.ts). First a
 * server — the URL the caller was given, else an embedded Postgres — then a database of the
 * caller's own on it, migrated, with the app's login role. Seeding is the caller's choice: the
 * deterministic seed, a scaled data set, or nothing.
 */

export interface PostgresServer {
  /** Superuser URL (any database; callers swap the path). */
  url: string;
  /** `url`: the caller's own server, left running. `embedded`: started here, stopped by `stop`. */
  source: 'url' | 'embedded';
  /** The embedded server itself, to take it down and bring it back (persistent data only). */
  embedded?: EmbeddedServer;
  /** Stops an embedded server and deletes its temporary directory; nothing for a given URL. */
  stop(): Promise<void>;
}

export async function startPostgres(options: {
  /** A superuser URL: use that server instead of starting one. */
  url?: string;
  /** Where an embedded server keeps its data; by default a temporary directory deleted by `stop`. */
  dataDir?: string;
  /** `openhouse-<label>-` names the temporary directory. */
  label?: string;
  port?: number;
  /** Keep the data directory across `stop` (required for `restart`). */
  persistent?: boolean;
  /** Extra `postgres -c` settings, e.g. `{ max_connections: 200 }`. */
  settings?: Record<string, string | number>;
  log?: (line: string) => void;
}): Promise<PostgresServer> {
  if (options.url) return { url: options.url, source: 'url', stop: async () => {} };
  let tempRoot: string | undefined;
  let dataDir = options.dataDir;
  if (!dataDir) {
    tempRoot = mkdtempSync(path.join(tmpdir(), `openhouse-${options.label ?? 'pg'}-`));
    // Also on a hard exit: the embedded server deletes its own data directory, this the parent.
    process.on('exit', () => rmSync(tempRoot!, { recursive: true, force: true }));
    dataDir = path.join(tempRoot, 'pg');
  }
  options.log?.(`starting an embedded Postgres in ${tempRoot ?? dataDir}`);
  let embedded: EmbeddedServer;
  try {
    embedded = await startEmbeddedPostgres({
      dataDir,
      port: options.port,
      persistent: options.persistent ?? false,
      postgresFlags: Object.entries(options.settings ?? {}).flatMap(([name, value]) => [
        '-c',
        `${name}=${value}`,
      ]),
      log: options.log,
    });
  } catch (error) {
    // Nothing a caller could do differently: one line saying what to do, not a stack trace.
    if (!(error instanceof EmbeddedPostgresUnavailable)) throw error;
    console.error(`[postgres] the embedded Postgres cannot run here: ${error.message}`);
    process.exit(1);
  }
  return {
    url: embedded.adminUrl,
    source: 'embedded',
    embedded: options.persistent ? embedded : undefined,
    async stop() {
      await embedded.stop();
      if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
    },
  };
}

/** What the reports and the connection-budget checks want to know about a server. */
export interface ServerFacts {
  superuser: boolean;
  maxConnections: number;
  connectionsInUse: number;
  /** `server_version`, e.g. `18.0`. */
  serverVersion: string;
  /** `select version()`: build and platform. */
  versionString: string;
}

export function serverFacts(serverUrl: string): Promise<ServerFacts> {
  return withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<ServerFacts>(
      `select (select rolsuper from pg_roles where rolname = current_user) as "superuser",
              current_setting('max_connections')::int as "maxConnections",
              (select count(*)::int from pg_stat_activity) as "connectionsInUse",
              current_setting('server_version') as "serverVersion", version() as "versionString"`,
    );
    return rows[0]!;
  });
}

export interface ProvisionedDatabase {
  name: string;
  /** Owner URL of this database. */
  adminUrl: string;
  /** The app's login role on it. */
  appUrl: string;
  /** The migrations this call applied (none when the database was already up to date). */
  applied: string[];
}

/**
 * Database `name` on the server, migrated, with `appRole` as the app's login role (created by
 * `migrate`). With `ifMissing`, an existing database is kept and only brought up to date.
 */
export async function provisionDatabase(options: {
  serverUrl: string;
  name: string;
  appRole: string;
  appPassword: string;
  ifMissing?: boolean;
  log?: (line: string) => void;
}): Promise<ProvisionedDatabase> {
  const { serverUrl, name } = options;
  await withAdminClient(serverUrl, async (client) => {
    if (options.ifMissing) {
      const { rowCount } = await client.query(`select 1 from pg_database where datname = $1`, [name]);
      if (rowCount) return;
    }
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  });
  const adminUrl = databaseUrl(serverUrl, name);
  const appUrl = databaseUrl(serverUrl, name, options.appRole, options.appPassword);
  const applied = await migrate({ adminUrl, appUrl, log: options.log });
  return { name, adminUrl, appUrl, applied };
}
