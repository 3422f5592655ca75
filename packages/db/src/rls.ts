import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';

import { annotateFailure, CommitRolledBackError, PoolExhaustedError, QUERY_READ_TIMEOUT } from './failures';
import * as schema from './schema';
import type { Db } from './types';

/** The verified claims a request carries into Postgres as `request.jwt.claims`. */
export interface RlsClaims {
  sub: string;
  tenant_id: string;
  app_role: string;
  [claim: string]: unknown;
}

/**
 * The database role each kind of caller works as. Policies are written per role (`to homeowner`,
 * `to tenant_staff`, `to development_staff`), so each role's policy is a plain conjunction of
 * indexed columns and the planner can use an index for it; one role with policies OR-ed on the
 * claimed app role could only ever filter by `tenant_id`. None of these roles can log in, bypass
 * RLS or own a table (the start-up guard checks). The JWT's own `role` claim stays `authenticated`.
 */
export const REQUEST_ROLES = ['homeowner', 'tenant_staff', 'development_staff'] as const;
export type RequestRole = (typeof REQUEST_ROLES)[number];

/** The fixed map from verified claims to a request role: never a role name taken from the token. */
export function requestRoleFor(claims: RlsClaims): RequestRole {
  if (claims.app_role === 'homeowner') return 'homeowner';
  if (claims.app_role === 'developer') return claims.development_id ? 'development_staff' : 'tenant_staff';
  // Unreachable for verified claims (the verifier only admits these two); fail closed regardless.
  throw new Error(`no request role for app_role ${JSON.stringify(claims.app_role)}`);
}

/**
 * Role, claims and statement timeout in one statement, all transaction-local (`is_local = true`),
 * so nothing survives COMMIT or ROLLBACK into the next borrower of the connection — also behind
 * PgBouncer or Supavisor in transaction mode. Parameters: see {@link preludeParams}.
 */
export const PRELUDE = `select set_config('role', $3, true),
  set_config('request.jwt.claims', $1, true),
  set_config('statement_timeout', $2, true)`;

/** The parameters of {@link PRELUDE}: claims JSON, statement timeout (ms), request role. */
export function preludeParams(claims: RlsClaims, statementTimeoutMs: number): [string, string, RequestRole] {
  return [JSON.stringify(claims), String(statementTimeoutMs), requestRoleFor(claims)];
}

// One Drizzle wrapper per pooled client; clients live across many requests.
const drizzleByClient = new WeakMap<pg.PoolClient, Db>();

function drizzleFor(client: pg.PoolClient): Db {
  let db = drizzleByClient.get(client);
  if (!db) {
    db = drizzle({ client, schema });
    drizzleByClient.set(client, db);
  }
  return db;
}

export interface RlsRunOptions {
  /** Shed the request at once when this many already wait for a connection. */
  maxWaiting?: number;
  /** Told how long each request waited for its connection (ms), for the wait-time metric. */
  onAcquired?: (waitMs: number) => void;
}

/**
 * Runs `fn` inside one transaction on a pooled connection, as the caller's request role with `claims`.
 *
 * BEGIN and the prelude are sent without waiting for their replies; on a pipelined client the
 * first query of `fn` follows them in the same write, so a one-query request costs two round trips
 * (BEGIN+prelude+query, COMMIT). Safety does not depend on the ordering of replies: if BEGIN or
 * the prelude fails, Postgres aborts the transaction and every later statement of `fn` fails too;
 * and the login role itself holds no table privileges.
 *
 * The client always goes back to the pool: normally after COMMIT or a successful ROLLBACK, and
 * destroyed (`release(err)`) when the connection broke or the ROLLBACK did not go through.
 *
 * Every error thrown is classified here, once, and carries its {@link DbFailure} (see
 * `failures.ts`): the kind, whether a connection was obtained, how long the wait was, and whether
 * BEGIN had completed.
 */
export async function runWithRls<T>(
  pool: pg.Pool,
  claims: RlsClaims,
  fn: (tx: Db) => Promise<T>,
  statementTimeoutMs: number,
  options: RlsRunOptions = {},
): Promise<T> {
  const startedAt = performance.now();
  const params = preludeParams(claims, statementTimeoutMs); // before checkout: throws for unknown roles
  const waiting = reallyWaiting(pool);
  if (options.maxWaiting !== undefined && waiting.thisWouldWait && waiting.count >= options.maxWaiting) {
    const error = new PoolExhaustedError(waiting.count);
    annotateFailure(error, { phase: 'acquire', waitMs: 0, begun: false });
    throw error;
  }
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    const waitMs = performance.now() - startedAt;
    // A wait that ended in pool_timeout is a wait too: without it the histogram hides the worst ones.
    options.onAcquired?.(waitMs);
    annotateFailure(error, { phase: 'acquire', waitMs, begun: false });
    throw error;
  }
  const waitMs = performance.now() - startedAt;
  options.onAcquired?.(waitMs);
  let begun = false;
  // A checked-out client has no pool listener; an 'error' event here must not crash the process.
  let connectionError: Error | undefined;
  const onConnectionError = (error: Error) => (connectionError ??= error);
  client.on('error', onConnectionError);

  try {
    const prelude = Promise.all([
      client.query('begin').then(() => (begun = true)),
      client.query(PRELUDE, params),
    ]);
    prelude.catch(() => undefined); // awaited below; this only keeps a rejection from being unhandled

    let result: T;
    try {
      result = await fn(drizzleFor(client));
    } catch (error) {
      await prelude; // a failed prelude is the real cause of fn's failure
      throw error;
    }
    await prelude;
    const committed = await client.query('commit');
    // An aborted transaction (an error swallowed inside fn) is answered ROLLBACK, not an error.
    if (committed.command === 'ROLLBACK') throw new CommitRolledBackError();
    client.off('error', onConnectionError);
    client.release();
    return result;
  } catch (error) {
    // A query the server never answered (query_timeout) leaves the connection stalled: a
    // ROLLBACK would queue behind it for another full timeout. Destroy the connection instead.
    const stalled =
      error instanceof Error && QUERY_READ_TIMEOUT.test(error.message + String(error.cause ?? ''));
    const rolledBack = stalled
      ? false
      : await client.query('rollback').then(
          () => true,
          () => false,
        );
    client.off('error', onConnectionError);
    const broken = connectionError ?? (rolledBack ? undefined : asError(error));
    client.release(broken);
    annotateFailure(error, { phase: 'transaction', waitMs, begun }, connectionError);
    throw error;
  }
}

/**
 * Requests really queued for a connection. pg-pool puts every `connect()` in its queue for a tick,
 * even when an idle client or a free slot is there for it, so `waitingCount` alone overcounts:
 * idle clients and unopened slots will serve that many of the queue at once.
 */
function reallyWaiting(pool: pg.Pool): { count: number; thisWouldWait: boolean } {
  const max = (pool as unknown as { options: { max: number } }).options.max;
  const available = pool.idleCount + Math.max(0, max - pool.totalCount);
  const count = Math.max(0, pool.waitingCount - available);
  return { count, thisWouldWait: pool.waitingCount >= available };
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
