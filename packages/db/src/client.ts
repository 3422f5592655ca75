import { readFileSync } from 'node:fs';

import { attachDatabasePool } from '@vercel/functions';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';

import type { DbEnv } from './env';
import { defaultTenantMax, FairShare, type FairShareCounters, type TenantShare } from './fair-share';
import { annotateFailure } from './failures';
import { replayBrokenTransaction } from './replay';
import { runWithRls, type RlsClaims } from './rls';
import * as schema from './schema';
import type { Db } from './types';

/**
 * A connection pool. A serving process makes one (`@openhouse/api`'s server dependencies) and
 * every request borrows a client from it through {@link Database.withRls}; nothing else in the
 * platform opens a connection.
 */

export interface PoolStats {
  total: number;
  idle: number;
  /** Requests queued for a connection (the fair-share queue; see `fair-share.ts`). */
  waiting: number;
  max: number;
  min: number;
  maxWaiting: number;
  /** Most connections one tenant may hold at once. */
  tenantMax: number;
}

export interface DatabaseOptions {
  /**
   * Called when an idle pooled client dies; the pool has already discarded it. The error is
   * classified (`idle_client_error`) before this is called: read it with `classifyDbFailure`.
   */
  onIdleError?: (error: Error) => void;
  /** Called with each request's wait for a connection, in ms. */
  onAcquired?: (waitMs: number) => void;
  /**
   * Wraps each `withRls` call (tracing): `run` reports the wait for a connection to `acquired`
   * once it has one, so the wait and the transaction can be told apart.
   */
  trace?: <T>(run: (acquired: (waitMs: number) => void) => Promise<T>) => Promise<T>;
}

export interface Database {
  readonly pool: pg.Pool;
  /** Drizzle over the pool, as the login role: it has no table privileges, so only for catalog checks. */
  readonly db: Db;
  readonly statementTimeoutMs: number;
  /**
   * Runs `fn` in one transaction as the caller's request role with `claims`; see `rls.ts`. A
   * transaction whose connection broke before it committed anything is run again
   * (`replay.ts`), so `fn` must touch nothing but the database; `onReplay` is told each time.
   * `readOnly`: the transaction cannot write (the API's queries), which also makes a lost COMMIT
   * answer harmless.
   */
  withRls<T>(
    claims: RlsClaims,
    fn: (tx: Db) => Promise<T>,
    options?: { readOnly?: boolean; onReplay?: () => void },
  ): Promise<T>;
  stats(): PoolStats;
  /** Connections held and requests queued, per tenant holding or waiting for any now. */
  tenantShares(): TenantShare[];
  /** Requests shed and waits timed out since start, per tenant. */
  readonly tenantCounters: FairShareCounters;
  /** Opens `min` connections now: pg-pool's `min` keeps clients but never opens them. */
  warm(): Promise<void>;
  /** Round trip to the server; rejects when it cannot be reached within the connection timeout. */
  ping(): Promise<void>;
  /**
   * Readiness: whether the server answers `select 1`, asked on one dedicated connection outside
   * the pool (opened on first use, reused, replaced when it breaks), so the check never queues
   * behind requests. Bounded by {@link READY_TIMEOUT_MS} (or the connection timeout, if shorter);
   * concurrent checks share one round trip. Resolves `true`/`false`, never throws.
   */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseConfig = pg.PoolConfig & {
  min: number;
  max: number;
  /** On Vercel the pool is attached to the function instance (see `createDatabase`). */
  platform?: DbEnv['platform'];
  /** Requests allowed to queue for a connection; more are shed at once (`PoolExhaustedError`). */
  maxWaiting: number;
  /** Most connections one tenant may hold at once; default: see `defaultTenantMax`. */
  tenantMax?: number;
  statement_timeout: number;
};

/** Translates the parsed environment into the pool's settings. */
export function poolConfigFromEnv(env: DbEnv): DatabaseConfig {
  return {
    connectionString: env.DB_SSL ? withoutSslParams(env.DATABASE_URL) : env.DATABASE_URL,
    ssl: sslOptions(env),
    min: env.DB_POOL_MIN,
    max: env.DB_POOL_MAX,
    maxWaiting: env.DB_POOL_MAX_WAITING,
    tenantMax: env.DB_POOL_TENANT_MAX,
    platform: env.platform,
    idleTimeoutMillis: env.DB_IDLE_TIMEOUT_MS,
    connectionTimeoutMillis: env.DB_CONNECTION_TIMEOUT_MS,
    statement_timeout: env.DB_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    // The client's own bound on every query, a little above the server's: a stalled backend or a
    // black-holed network cannot keep a request (or the drain) waiting for ever.
    query_timeout: queryTimeoutFor(env.DB_STATEMENT_TIMEOUT_MS),
    application_name: env.DB_APPLICATION_NAME,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // A client whose socket died between requests is found at checkout, not by a user's query.
    allowExitOnIdle: false,
    // BEGIN, the RLS prelude and the first query leave in one write (see rls.ts).
    pipeline: true,
  };
}

/** The client-side bound on a query: the statement timeout plus a margin for the round trip. */
export function queryTimeoutFor(statementTimeoutMs: number): number {
  return statementTimeoutMs + Math.min(5_000, Math.max(500, Math.round(statementTimeoutMs * 0.2)));
}

/** The readiness check's own bound: short, whatever the pool's timeouts. */
export const READY_TIMEOUT_MS = 2_000;

/** One connection outside the pool for readiness checks; see {@link Database.ready}. */
function readinessProbe(config: DatabaseConfig) {
  const timeoutMs = Math.min(READY_TIMEOUT_MS, config.connectionTimeoutMillis || READY_TIMEOUT_MS);
  let client: pg.Client | undefined;
  let inFlight: Promise<boolean> | undefined;
  let closed = false;

  const discard = (): Promise<void> => {
    const dead = client;
    client = undefined;
    if (!dead) return Promise.resolve();
    dead.removeAllListeners('error');
    dead.on('error', () => undefined);
    // A stalled server may never answer the goodbye: bounded, then the socket is dropped.
    const ended = dead.end().catch(() => undefined);
    return Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]).then(
      () => {
        (dead as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      },
    );
  };

  async function once(): Promise<boolean> {
    if (closed) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    let used: pg.Client | undefined;
    const attempt = (async () => {
      if (!client) {
        const fresh = new pg.Client({
          connectionString: config.connectionString,
          ssl: config.ssl,
          connectionTimeoutMillis: timeoutMs,
          query_timeout: timeoutMs,
          statement_timeout: timeoutMs,
          application_name: `${config.application_name ?? 'openhouse'}:ready`.slice(0, 63),
          keepAlive: true,
        });
        fresh.on('error', () => {
          if (client === fresh) discard();
        });
        client = fresh;
        used = fresh;
        await fresh.connect();
      }
      used = client;
      await used.query('select 1');
      return true;
    })().catch(() => {
      if (client === used) void discard();
      return false;
    });
    const ok = await Promise.race([attempt, timedOut]);
    clearTimeout(timer);
    if (!ok && client === used) void discard(); // a stalled connection is not reused
    return ok;
  }

  return {
    check(): Promise<boolean> {
      inFlight ??= once().finally(() => (inFlight = undefined));
      return inFlight;
    },
    close(): Promise<void> {
      closed = true;
      return discard();
    },
  };
}

function sslOptions(env: DbEnv): pg.PoolConfig['ssl'] {
  switch (env.DB_SSL) {
    case undefined:
      return undefined; // the URL's sslmode, if any, decides
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full': {
      const ca = env.DB_SSL_CA!;
      return { rejectUnauthorized: true, ca: ca.includes('-----BEGIN') ? ca : readFileSync(ca, 'utf8') };
    }
  }
}

/** pg lets a URL's `sslmode` override explicit options, so DB_SSL removes it to take effect. */
function withoutSslParams(url: string): string {
  const parsed = new URL(url);
  for (const key of ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey']) {
    parsed.searchParams.delete(key);
  }
  return parsed.toString();
}

export function createDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool(config);
  const onIdleError =
    options.onIdleError ??
    ((error: Error) => console.warn(`[db] idle client error, client discarded: ${error.message}`));
  // Without a listener, an idle client's error (a restarted server, a killed backend) crashes the
  // process. Registered first, so that any later listener sees the error already classified.
  pool.on('error', (error) => {
    annotateFailure(error, { phase: 'idle', begun: false });
    onIdleError(error);
  });
  // Keeps a Vercel function instance alive until its idle connections are closed, instead of
  // suspending with them open (they would come back dead: "Connection terminated unexpectedly").
  if (config.platform === 'vercel') attachDatabasePool(pool);

  const db = drizzle({ client: pool, schema });
  const probe = readinessProbe(config);
  const tenantMax = Math.min(config.max, config.tenantMax ?? defaultTenantMax(config.max));
  const fairShare = new FairShare({
    max: config.max,
    tenantMax,
    maxWaiting: config.maxWaiting,
    waitTimeoutMs: config.connectionTimeoutMillis ?? 0,
  });

  return {
    pool,
    db,
    statementTimeoutMs: config.statement_timeout,
    withRls: (claims, fn, { readOnly = false, onReplay } = {}) => {
      const run = (acquired?: (waitMs: number) => void) =>
        runWithRls(pool, claims, fn, config.statement_timeout, {
          readOnly,
          fairShare,
          connectRetryMs: config.connectionTimeoutMillis ?? 0,
          onAcquired: acquired
            ? (waitMs) => (options.onAcquired?.(waitMs), acquired(waitMs))
            : options.onAcquired,
        });
      const attempt = () => (options.trace ? options.trace(run) : run());
      return replayBrokenTransaction(attempt, { maxDeadConnections: config.max, onReplay });
    },
    stats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: fairShare.waiting,
      max: config.max,
      min: config.min,
      maxWaiting: config.maxWaiting,
      tenantMax,
    }),
    tenantShares: () => fairShare.shares(),
    tenantCounters: fairShare.counters,
    async warm() {
      // Held all at once, so that idle clients are not handed out twice and `min` really open.
      // Every connect is settled before anything is thrown: what was obtained goes back first.
      const settled = await Promise.allSettled(Array.from({ length: config.min }, () => pool.connect()));
      for (const outcome of settled) if (outcome.status === 'fulfilled') outcome.value.release();
      const failed = settled.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    },
    async ping() {
      await pool.query('select 1');
    },
    ready: () => probe.check(),
    async close() {
      fairShare.close(new Error('The database pool is closing'));
      await probe.close();
      if (!pool.ended && !pool.ending) await pool.end();
    },
  };
}

export { schema };
export type { Db, RlsClaims };
