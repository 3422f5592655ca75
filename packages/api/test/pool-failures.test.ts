import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { failureCounts, reportIdleClientError } from '@openhouse/api';
import type { Database } from '@openhouse/db';
import { flushErrorTracking, initErrorTracking } from '@openhouse/error-tracker';

import { outcomeOf, tokenFor, verifyToken } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { homeowners, staff } from '@openhouse/harness/identities';
import {
  startSentryReceiver,
  type SentryEvent,
  type SentryReceiver,
} from '@openhouse/harness/sentry-receiver';
import { slowCaller } from '@openhouse/harness/slow-router';

/**
 * Each way a pooled connection fails, provoked for real on a real Postgres: what the caller gets,
 * what Sentry receives (at a real local envelope endpoint), and the pool's state afterwards.
 */

const homeowner = homeowners[0]!;
let testDb: TestDatabase;
let sentry: SentryReceiver;
let token: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  sentry = await startSentryReceiver();
  initErrorTracking({ SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'test' });
  token = await tokenFor(homeowner);
});
afterAll(async () => {
  await sentry.close();
  await testDb.drop();
});

const eventsOf = (kind: string) => sentry.events.filter((event) => event.tags?.['db.failure'] === kind);
const countOf = (kind: string, route: string) =>
  failureCounts().find((row) => row.kind === kind && row.route === route)?.count ?? 0;

function expectPoolSettled(database: Database) {
  const stats = database.stats();
  expect(stats.waiting).toBe(0);
  expect(stats.idle).toBe(stats.total);
}

/** Backends of one test's pool, told apart by DB_APPLICATION_NAME. */
const appBackends = (applicationName: string) =>
  testDb.adminQuery<{ pid: number }>(
    `select pid from pg_stat_activity where datname = current_database() and application_name = $1`,
    [applicationName],
  );

describe('exhaustion', () => {
  it('answers 100 concurrent slow calls on 2 connections without hanging: 503 past the wait, shed past the queue', async () => {
    const database = testDb.connect({
      DB_POOL_MIN: '2',
      DB_POOL_MAX: '2',
      DB_CONNECTION_TIMEOUT_MS: '300',
      DB_POOL_MAX_WAITING: '20',
    });
    await database.warm();
    const caller = await slowCaller({ database, verifyToken }, token);
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => outcomeOf(caller.slow({ seconds: 1 }))),
    );

    const tally = Object.fromEntries(
      [...new Set(outcomes)].map((outcome) => [outcome, outcomes.filter((o) => o === outcome).length]),
    );
    expect(tally).toEqual({ OK: 2, SERVICE_UNAVAILABLE: 98 });
    // 20 queued and timed out after 300 ms; the other 78 were refused at once.
    // At most 20 queued and timed out after 300 ms; the rest were refused at once.
    const timedOut = countOf('pool_timeout', 'slow');
    const shed = countOf('pool_exhausted', 'slow');
    expect(timedOut + shed).toBe(98);
    expect(timedOut).toBeGreaterThan(0);
    expect(timedOut).toBeLessThanOrEqual(20);
    // Nothing is stuck: the pool serves the next call at once.
    expect(await caller.slow({ seconds: 0 })).toEqual({ pid: expect.any(Number) });
    expectPoolSettled(database);

    await flushErrorTracking();
    await expect
      .poll(() => eventsOf('pool_timeout').length && eventsOf('pool_exhausted').length)
      .toBeGreaterThan(0);
    for (const kind of ['pool_timeout', 'pool_exhausted']) {
      const [event] = eventsOf(kind);
      expect(event, kind).toBeDefined();
      expectRouteReport(event!, kind, 'slow');
      expect(event!.contexts!.pool).toMatchObject({ max: 2, total: 2 });
    }
    expect(eventsOf('pool_timeout')[0]!.contexts!.pool!.wait_ms).toBeGreaterThanOrEqual(290);
    // One issue per kind and route: a burst is sent as a handful of events, not 78.
    expect(eventsOf('pool_exhausted').length).toBeLessThanOrEqual(5);
  });
});

function expectRouteReport(event: SentryEvent, kind: string, route: string) {
  expect(event.transaction).toBe(route);
  expect(event.fingerprint).toEqual(['db', kind, route]);
  expect(event.tags).toMatchObject({
    route,
    'db.failure': kind,
    'trpc.type': 'query',
    tenant_id: homeowner.tenantId,
  });
  expect(event.contexts!.pool).toMatchObject({
    total: expect.any(Number),
    idle: expect.any(Number),
    waiting: expect.any(Number),
    max: expect.any(Number),
    duration_ms: expect.any(Number),
  });
}

describe('connections killed by the server', () => {
  it('while idle: the process survives, the dead clients are dropped and reported, the next calls succeed', async () => {
    sentry.clear();
    const database = testDb.connect({ DB_POOL_MAX: '3', DB_POOL_MIN: '3', DB_APPLICATION_NAME: 'idle-kill' });
    database.pool.on('error', (error) => reportIdleClientError(error, database.stats()));
    await database.warm();
    const before = (await appBackends('idle-kill')).map((row) => row.pid);
    expect(before).toHaveLength(3);

    await testDb.adminQuery(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'idle-kill'`,
    );
    await expect.poll(() => database.stats().total).toBe(0);

    const caller = await slowCaller({ database, verifyToken }, token);
    const pids = await Promise.all(Array.from({ length: 5 }, () => caller.pid()));
    for (const pid of pids) expect(before).not.toContain(pid);
    expectPoolSettled(database);

    await flushErrorTracking();
    await expect.poll(() => eventsOf('idle_client_error').length).toBeGreaterThan(0);
    const [event] = eventsOf('idle_client_error');
    expect(event!.transaction).toBe('pool:idle');
    expect(event!.tags).toMatchObject({
      route: 'pool:idle',
      'db.failure': 'idle_client_error',
      'db.sqlstate': '57P01',
    });
    expect(event!.fingerprint).toEqual(['db', 'idle_client_error', 'pool:idle']);
  });

  it('mid-request: that call gets 503, its client is destroyed, the next calls run on new connections', async () => {
    sentry.clear();
    const database = testDb.connect({ DB_POOL_MAX: '2' });
    const caller = await slowCaller({ database, verifyToken }, token);
    const slow = outcomeOf(caller.slow({ seconds: 5 }));
    let victim: number | undefined;
    await expect
      .poll(async () => {
        const [row] = await testDb.adminQuery<{ pid: number }>(
          `select pid from pg_stat_activity where datname = current_database() and query like '%pg_sleep%'
             and usename = 'openhouse_app'`,
        );
        victim = row?.pid;
        return victim;
      })
      .toBeDefined();
    await testDb.adminQuery(`select pg_terminate_backend($1)`, [victim]);

    expect(await slow).toBe('SERVICE_UNAVAILABLE');
    const pids = await Promise.all(Array.from({ length: 4 }, () => caller.pid()));
    expect(pids).not.toContain(victim);
    expectPoolSettled(database);
    await flushErrorTracking();
    await expect.poll(() => eventsOf('connection_terminated').length).toBeGreaterThan(0);
    expectRouteReport(eventsOf('connection_terminated')[0]!, 'connection_terminated', 'slow');
  });
});

describe('a connection that died before its first statement', () => {
  /**
   * Reproduces a backend killed while its client sat idle, where the pool has not yet read the
   * server's goodbye: the client's socket is paused before the kill and resumed at checkout.
   */
  async function poolWithSilentlyDeadClient() {
    const database = testDb.connect({ DB_POOL_MAX: '1' });
    const clients: { processID: number; connection: { stream: { pause(): void; resume(): void } } }[] = [];
    database.pool.on('connect', (client) => clients.push(client as unknown as (typeof clients)[number]));
    await database.warm();
    await database.ping(); // creates the one client
    const [client] = clients;
    client!.connection.stream.pause();
    await testDb.adminQuery(`select pg_terminate_backend($1)`, [client!.processID]);
    database.pool.once('acquire', () => client!.connection.stream.resume());
    return { database, deadPid: client!.processID };
  }

  it('is retried once on a fresh connection for a query, invisibly to the caller', async () => {
    const { database, deadPid } = await poolWithSilentlyDeadClient();
    const caller = await slowCaller({ database, verifyToken }, token);
    const retriesBefore = countOf('connection_terminated', 'pid');
    const pid = await caller.pid();
    expect(pid).not.toBe(deadPid);
    expect(countOf('connection_terminated', 'pid')).toBe(retriesBefore); // not reported: the caller saw nothing
    expectPoolSettled(database);
  });

  it('is never retried for a mutation, and nothing is written', async () => {
    const { database } = await poolWithSilentlyDeadClient();
    const developer = staff[0]!;
    const caller = await slowCaller({ database, verifyToken }, await tokenFor(developer));
    const outcome = await outcomeOf(
      caller.app.noticeboard.create({
        developmentId: homeowner.developmentId!,
        title: 'Never retried',
        body: 'x',
      }),
    );
    expect(outcome).toBe('SERVICE_UNAVAILABLE');
    expect(await testDb.adminQuery(`select 1 from notices where title = 'Never retried'`)).toEqual([]);
    expect(await outcomeOf(caller.app.noticeboard.list({}))).toBe('OK');
  });
});

describe('statement timeout', () => {
  it('cancels the query on the server, answers 504 with a clear message, and keeps the connection', async () => {
    sentry.clear();
    const database = testDb.connect({
      DB_POOL_MAX: '1',
      DB_STATEMENT_TIMEOUT_MS: '200',
      DB_APPLICATION_NAME: 'timeout',
    });
    const caller = await slowCaller({ database, verifyToken }, token);
    const pid = await caller.pid();
    const error = await caller.slow({ seconds: 3 }).catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({
      code: 'GATEWAY_TIMEOUT',
      message: 'The database query took too long and was cancelled',
    });
    expect(await caller.pid()).toBe(pid); // the same, healthy connection
    expect(await appBackends('timeout')).toEqual([{ pid }]);
    expectPoolSettled(database);
    await flushErrorTracking();
    await expect.poll(() => eventsOf('statement_timeout').length).toBeGreaterThan(0);
    const [event] = eventsOf('statement_timeout');
    expectRouteReport(event!, 'statement_timeout', 'slow');
    expect(event!.tags!['db.sqlstate']).toBe('57014');
  });
});
