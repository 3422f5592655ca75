import type { Socket } from 'node:net';

import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';

import type { FairShare, ReleaseSlot } from './fair-share';
import {
  annotateFailure,
  CommitRolledBackError,
  pgErrorOf,
  PoolExhaustedError,
  QUERY_READ_TIMEOUT,
} from './failures';
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
  /**
   * The pool's share-out between tenants: a slot is taken from it, by the caller's `tenant_id`,
   * before the client is checked out, and given back with the client. It also sheds and bounds
   * the wait (`fair-share.ts`). Without it, requests queue in pg-pool's own order.
   */
  fairShare?: FairShare;
  /**
   * How long, from the call, a connection may keep being asked for while the server refuses them
   * (restarting: connection refused, "starting up"); 0 asks once. The pool's connection timeout.
   */
  connectRetryMs?: number;
  /**
   * `BEGIN READ ONLY`: the transaction cannot write (a write fails with 25006), so a COMMIT
   * whose answer was lost needs no asking — nothing can have been written, and `fn`'s result stands.
   */
  readOnly?: boolean;
  /** Told how long each request waited for its connection (ms), for the wait-time metric. */
  onAcquired?: (waitMs: number) => void;
}

/**
 * Holds the connection's writes until the event loop's next turn, so that BEGIN, the prelude and
 * `fn`'s first statement — queued through promise continuations alone, before that turn — leave in
 * one write instead of three. Each write is a system call and, on the database's side, a read; on
 * a busy server that is CPU better spent on requests. If `fn` waits on anything else before its
 * first statement, BEGIN and the prelude still go at that next turn.
 */
function sendTogether(client: pg.PoolClient): void {
  const socket = (client as unknown as { connection?: { stream?: Partial<Socket> } }).connection?.stream;
  if (!socket?.cork || !socket.uncork) return;
  socket.cork();
  setImmediate(() => socket.uncork?.());
}

/**
 * Runs `fn` inside one transaction on a pooled connection, as the caller's request role with `claims`.
 *
 * BEGIN and the prelude are sent without waiting for their replies; on a pipelined client the
 * first query of `fn` follows them in the same write (`sendTogether`), so a one-query request
 * costs two round trips and two writes (BEGIN+prelude+query, COMMIT). Safety does not depend on the ordering of replies: if BEGIN or
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
  let client: pg.PoolClient;
  let releaseSlot: ReleaseSlot = () => undefined;
  try {
    if (options.fairShare) releaseSlot = await options.fairShare.acquire(claims.tenant_id);
    client = await connectRetrying(pool, startedAt + (options.connectRetryMs ?? 0));
  } catch (error) {
    releaseSlot();
    const waitMs = performance.now() - startedAt;
    // A wait that ended in pool_timeout is a wait too: without it the histogram hides the worst ones.
    // A shed request was refused a place in the queue, not served after a wait.
    if (!(error instanceof PoolExhaustedError)) options.onAcquired?.(waitMs);
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

  // Set once COMMIT has been sent; the id is `null` when the transaction wrote nothing.
  let commitSent = false;
  let transactionId: string | null | undefined;
  let transactionIdRefused = false;
  let result: T;
  try {
    sendTogether(client);
    const prelude = Promise.all([
      client.query(options.readOnly ? 'begin read only' : 'begin').then(() => (begun = true)),
      client.query(PRELUDE, params),
    ]);
    prelude.catch(() => undefined); // awaited below; this only keeps a rejection from being unhandled

    try {
      result = await fn(drizzleFor(client));
    } catch (error) {
      await prelude; // a failed prelude is the real cause of fn's failure
      throw error;
    }
    await prelude;
    if (options.readOnly) {
      transactionId = null;
    } else {
      // The transaction's id leaves in the same write as COMMIT (no extra round trip): should the
      // connection break before COMMIT is answered, the server can still say what became of it.
      const asked = client
        .query<{ xid: string | null }>(TRANSACTION_ID)
        .then(({ rows }) => (transactionId = rows[0]?.xid ?? null));
      // Its failure is COMMIT's failure, handled below; a server error in its place is kept.
      asked.catch((error: unknown) => (transactionIdRefused = pgErrorOf(error) !== undefined));
    }
    // A connection the server already ended (its FATAL came between statements) gets no COMMIT:
    // nothing was committed, and saying so now spares asking the server afterwards.
    if (connectionError) throw connectionError;
    commitSent = true;
    const committed = await client.query('commit');
    // An aborted transaction (an error swallowed inside fn) is answered ROLLBACK, not an error.
    if (committed.command === 'ROLLBACK') throw new CommitRolledBackError();
    client.off('error', onConnectionError);
    client.release();
    releaseSlot();
    return result;
  } catch (error) {
    // A query the server never answered (query_timeout) leaves the connection stalled: a
    // ROLLBACK would queue behind it for another full timeout. Destroy the connection instead.
    const stalled =
      error instanceof Error && QUERY_READ_TIMEOUT.test(error.message + String(error.cause ?? ''));
    const rolledBack =
      stalled || commitSent
        ? false
        : await client.query('rollback').then(
            () => true,
            () => false,
          );
    client.off('error', onConnectionError);
    const lostCommit = commitSent && (stalled || connectionError !== undefined);
    const broken =
      connectionError ?? (rolledBack || (commitSent && !lostCommit) ? undefined : asError(error));
    client.release(broken);
    // COMMIT went out but its answer never came back: ask the server what became of it — unless
    // it already said. It answers a connection's messages in order, and the id query went before
    // COMMIT: a server error instead of the id (a FATAL such as 57P01 on the query or on the
    // connection, or an aborted transaction's 25P02) means COMMIT committed nothing.
    const endedBeforeCommit =
      transactionId === undefined && (transactionIdRefused || pgErrorOf(connectionError) !== undefined);
    const outcome = !lostCommit || endedBeforeCommit ? 'aborted' : await commitOutcome(pool, transactionId);
    releaseSlot();
    if (outcome === 'committed') return result!;
    annotateFailure(
      error,
      { phase: 'transaction', waitMs, begun, committed: outcome === 'unknown' ? 'unknown' : false },
      connectionError,
    );
    throw error;
  }
}

/**
 * A pooled client, asking again while the server refuses connections because it is restarting,
 * until `deadline` (a `performance.now()` time): a restart shorter than the connection timeout
 * costs the request a wait, not a failure. Anything else fails at once.
 */
async function connectRetrying(pool: pg.Pool, deadline: number): Promise<pg.PoolClient> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await pool.connect();
    } catch (error) {
      const pause = Math.min(250, 25 * 2 ** attempt);
      if (!serverRestarting(error) || performance.now() + pause >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * Refused because the server is down, or not yet (or no longer) accepting connections: refused,
 * reset or ended during the handshake, "starting up" / "shutting down" (57P03), or ended by an
 * administrator command (57P01). A connect timeout is not one: its wait already used the budget.
 */
function serverRestarting(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03' || code === '57P01') return true;
  return typeof message === 'string' && /Connection terminated unexpectedly/i.test(message);
}

/** The current transaction's id, or null when it has none (it wrote nothing). */
const TRANSACTION_ID = 'select pg_current_xact_id_if_assigned()::text as xid';

/** How often, and how far apart, a commit still in progress is asked about again. */
const OUTCOME_CHECKS = 5;
const OUTCOME_CHECK_INTERVAL_MS = 100;

/**
 * What became of a transaction whose COMMIT was sent on a connection that then broke, asked on
 * another connection with `pg_xact_status`. `committed`: its writes are in (or it had none: a
 * transaction without an id wrote nothing, and `fn`'s result stands); `aborted`: none are, and it
 * is safe to run again; `unknown`: the id never arrived, the server could not be asked, or it
 * still reported the transaction in progress after a few checks.
 */
async function commitOutcome(
  pool: pg.Pool,
  transactionId: string | null | undefined,
): Promise<'committed' | 'aborted' | 'unknown'> {
  if (transactionId === null) return 'committed';
  if (transactionId === undefined) return 'unknown';
  for (let check = 0; check < OUTCOME_CHECKS; check++) {
    if (check > 0) await new Promise((resolve) => setTimeout(resolve, OUTCOME_CHECK_INTERVAL_MS));
    const status = await pool
      .query<{ status: string | null }>('select pg_xact_status($1::xid8) as status', [transactionId])
      .then(
        ({ rows }) => rows[0]?.status ?? null,
        () => null,
      );
    if (status === 'committed') return 'committed';
    if (status === 'aborted') return 'aborted';
    if (status !== 'in progress') return 'unknown';
  }
  return 'unknown';
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
