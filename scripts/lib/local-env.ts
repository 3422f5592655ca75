import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { DEV_TOKEN_ISSUER } from '@openhouse/auth/dev-token';
import { isStartupRefusal, parseEnv, tcpPort } from '@openhouse/env';
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

/** The local tools' own settings (`.env.example`, "Local ports"), validated like the server's. */
const localEnvSchema = z
  .object({
    TENANT_PORTAL_PORT: tcpPort('TENANT_PORTAL_PORT').default(3000),
    DEVELOPER_PORTAL_PORT: tcpPort('DEVELOPER_PORTAL_PORT').default(3001),
    EMBEDDED_POSTGRES_PORT: tcpPort('EMBEDDED_POSTGRES_PORT').default(54329),
  })
  .superRefine((env, ctx) => {
    if (env.TENANT_PORTAL_PORT === env.DEVELOPER_PORTAL_PORT) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEVELOPER_PORTAL_PORT'],
        message: `DEVELOPER_PORTAL_PORT must differ from TENANT_PORTAL_PORT (both ${env.TENANT_PORTAL_PORT})`,
      });
    }
  });

export type LocalEnv = z.infer<typeof localEnvSchema>;

/** The local settings, or one line naming the bad variable and exit 1 (after `loadDotEnv`). */
export function loadLocalEnv(): LocalEnv {
  return orExit(() => parseEnv(localEnvSchema, process.env));
}

/** `fn()`, or — for a start-up refusal such as a bad setting — its one line and exit 1. */
function orExit<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!isStartupRefusal(error)) throw error;
    console.error(error.message);
    process.exit(1);
  }
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
 * migrated and seeded on first use) and DATABASE_URL / DATABASE_ADMIN_URL point at it; a
 * DATABASE_ADMIN_URL set without DATABASE_URL is not used, and the log says so.
 */
export async function ensureDatabase(log: (line: string) => void): Promise<PostgresServer | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  if (process.env.DATABASE_ADMIN_URL) {
    log('DATABASE_ADMIN_URL is set without DATABASE_URL: not used; the embedded Postgres has its own owner');
  }
  return startEmbeddedDatabase(log);
}

/**
 * The database `pnpm db:migrate` / `db:seed` work on, as the owner: `DATABASE_ADMIN_URL`, else
 * `DATABASE_URL`, else the embedded Postgres (started here; stop it when done).
 */
export async function ensureAdminDatabase(
  log: (line: string) => void,
): Promise<{ adminUrl: string; appUrl?: string; embedded?: PostgresServer }> {
  const adminUrl = process.env.DATABASE_ADMIN_URL || process.env.DATABASE_URL;
  if (adminUrl) return { adminUrl, appUrl: process.env.DATABASE_URL || undefined };
  const embedded = await startEmbeddedDatabase(log);
  return { adminUrl: process.env.DATABASE_ADMIN_URL!, appUrl: process.env.DATABASE_URL, embedded };
}

async function startEmbeddedDatabase(log: (line: string) => void): Promise<PostgresServer> {
  const port = loadLocalEnv().EMBEDDED_POSTGRES_PORT;
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
