import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type pg from 'pg';

import { withAdminClient } from './admin';
import { REQUEST_ROLES } from './rls';

/**
 * Applies `../migrations/*.sql` in name order, each once, each in its own transaction, recorded
 * in `private.schema_migrations` with a checksum. Safe to run again and from two processes at once.
 */

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const LOCK_KEY = 'openhouse:migrate';

export interface MigrateOptions {
  /** Owner role: creates the schema. */
  adminUrl: string;
  /** The app's login role. Created with NOINHERIT when missing, and allowed to switch to the request roles. */
  appUrl?: string;
  log?: (line: string) => void;
}

export async function migrate({ adminUrl, appUrl, log = () => {} }: MigrateOptions): Promise<string[]> {
  return withAdminClient(adminUrl, async (client) => {
    await client.query(`set client_min_messages = warning`);
    await client.query(`select pg_advisory_lock(hashtext($1))`, [LOCK_KEY]);
    await client.query(`create schema if not exists private`);
    await client.query(`revoke all on schema private from public`);
    await client.query(
      `create table if not exists private.schema_migrations (
         name text primary key,
         checksum text not null,
         applied_at timestamptz not null default now()
       )`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `select name, checksum from private.schema_migrations`,
    );
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));

    const ran: string[] = [];
    for (const name of readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      const sql = readFileSync(MIGRATIONS_DIR + name, 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = applied.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(`Migration ${name} changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query(`insert into private.schema_migrations (name, checksum) values ($1, $2)`, [
          name,
          checksum,
        ]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      log(`applied ${name}`);
      ran.push(name);
    }

    if (appUrl) await ensureLoginRole(client, appUrl, log);
    await client.query(`select pg_advisory_unlock(hashtext($1))`, [LOCK_KEY]);
    return ran;
  });
}

/** The login role: no privileges of its own, it may only become `anon`, `authenticated` or a request role. */
async function ensureLoginRole(client: pg.Client, appUrl: string, log: (line: string) => void) {
  const url = new URL(appUrl);
  const user = decodeURIComponent(url.username);
  const { rows } = await client.query<{ current_user: string }>('select current_user');
  if (!user || user === rows[0]!.current_user) return; // the guard refuses to serve as the owner
  const role = client.escapeIdentifier(user);
  const password = url.password ? ` password ${client.escapeLiteral(decodeURIComponent(url.password))}` : '';
  const created = await client
    .query(`create role ${role} login noinherit${password}`)
    .then(() => true)
    .catch((error: { code?: string }) => {
      // Another process created it first (roles are cluster-wide).
      if (error.code === '42710' || error.code === '23505') return false;
      throw error;
    });
  if (!created && password) await client.query(`alter role ${role}${password}`);
  const roles = ['anon', 'authenticated', ...REQUEST_ROLES].map((name) => client.escapeIdentifier(name));
  await client.query(`grant ${roles.join(', ')} to ${role}`);
  await client.query(`grant connect on database ${client.escapeIdentifier(client.database!)} to ${role}`);
  if (created) log(`created login role ${user}`);
}
