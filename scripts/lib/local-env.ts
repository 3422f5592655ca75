import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { DEV_TOKEN_ISSUER } from '@openhouse/auth/dev-token';
import { provisionDatabase, startPostgres, type PostgresServer } from '@openhouse/harness/postgres';
import { seed } from '@openhouse/seed';

/**
 * The local set-up shared by `pnpm dev`, `pnpm start`, `pnpm db:*` and `pnpm token`: the root
 * `.env` if there is one, and with no DATABASE_URL an embedded Postgres under `.data/`.
 */

export const ROOT = path.resolve(import.meta.dirname, '../..');
const DATA_DIR = path.join(ROOT, '.data');
const EMBEDDED_DATABASE = 'openhouse';
const EMBEDDED_APP_ROLE = 'openhouse_app';

export function loadDotEnv(): void {
  const file = path.join(ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

/** A dev-only signing secret kept in `.data/`, for when AUTH_JWT_SECRET is not set locally. */
export function ensureDevJwtSecret(log: (line: string) => void): void {
  if (process.env.AUTH_JWT_SECRET || process.env.AUTH_JWKS_URL) return;
  const file = path.join(DATA_DIR, 'dev-jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  process.env.AUTH_JWT_SECRET = readFileSync(file, 'utf8').trim();
  // `pnpm run token` signs with this secret and the dev issuer; `pnpm start` (production) needs one.
  process.env.AUTH_JWT_ISSUER ||= DEV_TOKEN_ISSUER;
  log(`AUTH_JWT_SECRET is not set: using the local dev secret in ${path.relative(ROOT, file)}`);
}

/**
 * With DATABASE_URL set, nothing is started. Without it, the embedded Postgres starts (created,
 * migrated and seeded on first use) and DATABASE_URL / DATABASE_ADMIN_URL point at it.
 */
export async function ensureDatabase(log: (line: string) => void): Promise<PostgresServer | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
  log(`DATABASE_URL is not set: starting the embedded Postgres in .data/postgres on port ${port}`);
  const server = await startPostgres({ dataDir: path.join(DATA_DIR, 'postgres'), port, persistent: true });
  const { adminUrl, appUrl, applied } = await provisionDatabase({
    serverUrl: server.url,
    name: EMBEDDED_DATABASE,
    appRole: EMBEDDED_APP_ROLE,
    appPassword: EMBEDDED_APP_ROLE,
    ifMissing: true,
    log,
  });
  process.env.DATABASE_ADMIN_URL = adminUrl;
  process.env.DATABASE_URL = appUrl;
  if (applied.length > 0) await seed(adminUrl);
  return server;
}

export const adminUrlFromEnv = () => process.env.DATABASE_ADMIN_URL ?? process.env.DATABASE_URL!;
