import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { failureCounts, renderPrometheus } from '@openhouse/api';
import { getServerDeps, handleHealthRequest, handleTrpcRequest, startServer } from '@openhouse/api/server';
import type { Database } from '@openhouse/db';
import { flushErrorTracking, initErrorTracking } from '@openhouse/error-tracker';

import { outcomeOf, TEST_JWT_SECRET, tokenFor, verifyToken } from '@openhouse/harness/api';
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
/** `openhouse_db_retries_total{route}` as `/api/metrics` renders it. */
const retriesOf = async (database: Database, route: string) => {
  const text = await renderPrometheus(database.stats());
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`openhouse_db_retries_total{route="${route}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
};

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
  it('answers 100 concurrent slow calls on 2 connections without hanging: 2 served, 20 queued then timed out, 78 shed at once', async () => {
    const database = testDb.connect({
      DB_POOL_MIN: '2',
      DB_POOL_MAX: '2',
      // One tenant calls here: let it hold both connections (the per-tenant ceiling is not under test).
      DB_POOL_TENANT_MAX: '2',
      // Long enough for all 100 calls to arrive before the first queued one gives up, shorter
      // than the calls being served, so no queued call is ever served.
      DB_CONNECTION_TIMEOUT_MS: '1000',
      DB_POOL_MAX_WAITING: '20',
    });
    await database.warm();
    const caller = await slowCaller({ database, verifyToken }, token);
    const timedOutBefore = countOf('pool_timeout', 'slow');
    const shedBefore = countOf('pool_exhausted', 'slow');
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => outcomeOf(caller.slow({ seconds: 2 }))),
    );

    const tally = Object.fromEntries(
      [...new Set(outcomes)].map((outcome) => [outcome, outcomes.filter((o) => o === outcome).length]),
    );
    expect(tally).toEqual({ OK: 2, SERVICE_UNAVAILABLE: 98 });
    // Exactly DB_POOL_MAX_WAITING queued and timed out after 1 s; the other 78 were refused at once.
    expect(countOf('pool_timeout', 'slow') - timedOutBefore).toBe(20);
    expect(countOf('pool_exhausted', 'slow') - shedBefore).toBe(78);
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
    expect(eventsOf('pool_timeout')[0]!.contexts!.pool!.wait_ms).toBeGreaterThanOrEqual(990);
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
    // The serving process itself: startServer() builds the pool with the hooks getServerDeps()
    // gives it in production (idle failures to the metrics and Sentry), from the environment.
    const settings = {
      DATABASE_URL: testDb.appUrl,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      SENTRY_DSN: sentry.dsn,
      SENTRY_ENVIRONMENT: 'test',
      DB_POOL_MIN: '3',
      DB_POOL_MAX: '3',
      DB_APPLICATION_NAME: 'idle-kill',
    };
    const saved = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
    Object.assign(process.env, settings);
    await startServer();
    const poolCounters = async () =>
      ((await (await handleHealthRequest()).json()) as { pool: { total: number; idle: number } }).pool;
    try {
      expect(await poolCounters()).toMatchObject({ total: 3, idle: 3 });
      const before = (await appBackends('idle-kill')).map((row) => row.pid);
      expect(before).toHaveLength(3);
      const reportedBefore = countOf('idle_client_error', 'pool:idle');

      await testDb.adminQuery(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'idle-kill'`,
      );
      await expect.poll(async () => (await poolCounters()).total).toBe(0);
      // One report per dead client, counted under the pool's own route.
      await expect.poll(() => countOf('idle_client_error', 'pool:idle') - reportedBefore).toBe(3);

      const statuses = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const response = await handleTrpcRequest(
            new Request('http://localhost/api/trpc/noticeboard.list', {
              headers: { authorization: `Bearer ${token}` },
            }),
          );
          const { result } = (await response.json()) as { result?: { data: { items: unknown[] } } };
          return `${response.status} ${result?.data.items.length ? 'with notices' : 'empty'}`;
        }),
      );
      expect(statuses).toEqual(Array.from({ length: 5 }, () => '200 with notices'));
      const after = (await appBackends('idle-kill')).map((row) => row.pid);
      expect(after.length).toBeGreaterThan(0);
      for (const pid of after) expect(before).not.toContain(pid);
      const settled = await poolCounters();
      expect(settled.idle).toBe(settled.total);

      await flushErrorTracking();
      await expect.poll(() => eventsOf('idle_client_error').length).toBe(3);
      const [event] = eventsOf('idle_client_error');
      expect(event!.transaction).toBe('pool:idle');
      expect(event!.tags).toMatchObject({
        route: 'pool:idle',
        'db.failure': 'idle_client_error',
        'db.sqlstate': '57P01',
      });
      expect(event!.fingerprint).toEqual(['db', 'idle_client_error', 'pool:idle']);
    } finally {
      await getServerDeps().database.close();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('mid-request: the call is replayed once on a new connection, its dead client destroyed', async () => {
    sentry.clear();
    const database = testDb.connect({ DB_POOL_MAX: '2' });
    const caller = await slowCaller({ database, verifyToken }, token);
    const retriesBefore = await retriesOf(database, 'slow');
    const slow = outcomeOf(caller.slow({ seconds: 1 }));
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

    // Nothing of it was committed, so it ran again: the caller sees only the success.
    expect(await slow).toBe('OK');
    expect((await retriesOf(database, 'slow')) - retriesBefore).toBe(1);
    const pids = await Promise.all(Array.from({ length: 4 }, () => caller.pid()));
    expect(pids).not.toContain(victim);
    expectPoolSettled(database);
    await flushErrorTracking();
    expect(eventsOf('connection_terminated')).toEqual([]);
  });

  it('mid-request, killed again on the replay: 503, and only one replay', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '2' });
    const caller = await slowCaller({ database, verifyToken }, token);
    const retriesBefore = await retriesOf(database, 'slow');
    const slow = outcomeOf(caller.slow({ seconds: 1 }));
    const killed = new Set<number>();
    for (let kill = 0; kill < 2; kill++) {
      let victim: number | undefined;
      await expect
        .poll(async () => {
          const rows = await testDb.adminQuery<{ pid: number }>(
            `select pid from pg_stat_activity where datname = current_database() and query like '%pg_sleep%'
               and usename = 'openhouse_app'`,
          );
          victim = rows.map((row) => row.pid).find((pid) => !killed.has(pid));
          return victim;
        })
        .toBeDefined();
      killed.add(victim!);
      await testDb.adminQuery(`select pg_terminate_backend($1)`, [victim]);
    }
    expect(await slow).toBe('SERVICE_UNAVAILABLE');
    expect((await retriesOf(database, 'slow')) - retriesBefore).toBe(1);
    expectPoolSettled(database);
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
    const retriesBefore = await retriesOf(database, 'pid');
    const failuresBefore = countOf('connection_terminated', 'pid');
    const pid = await caller.pid();
    expect(pid).not.toBe(deadPid);
    expect((await retriesOf(database, 'pid')) - retriesBefore).toBe(1); // retried, and only once
    expect(countOf('connection_terminated', 'pid')).toBe(failuresBefore); // not reported: the caller saw nothing
    expectPoolSettled(database);
  });

  it('is replayed once for a mutation too, and written once', async () => {
    const { database } = await poolWithSilentlyDeadClient();
    const developer = staff[0]!;
    const caller = await slowCaller({ database, verifyToken }, await tokenFor(developer));
    const outcome = await outcomeOf(
      caller.app.noticeboard.create({
        developmentId: homeowner.developmentId!,
        title: 'Replayed once',
        body: 'x',
      }),
    );
    expect(outcome).toBe('OK');
    expect(await testDb.adminQuery(`select 1 from notices where title = 'Replayed once'`)).toHaveLength(1);
    expectPoolSettled(database);
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
