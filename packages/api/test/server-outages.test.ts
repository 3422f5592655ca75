import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { failureCounts } from '@openhouse/api';
import type { Database } from '@openhouse/db';
import { withAdminClient } from '@openhouse/db/admin';
import { flushErrorTracking, initErrorTracking } from '@openhouse/error-tracker';
import { outcomeOf, tokenFor, verifyToken } from '@openhouse/harness/api';
import { homeowners } from '@openhouse/harness/identities';
import { provisionDatabase, startPostgres, type PostgresServer } from '@openhouse/harness/postgres';
import { startSentryReceiver, type SentryReceiver } from '@openhouse/harness/sentry-receiver';
import { slowCaller } from '@openhouse/harness/slow-router';
import { connectApp } from '@openhouse/harness/test-database';
import { APP_PASSWORD, APP_ROLE } from '@openhouse/harness/urls';
import { seed } from '@openhouse/seed';

/**
 * Failures of the server itself: a restart, and a server with fewer connections than the pool
 * wants. These stop and reconfigure Postgres, so they run on a private embedded server of their
 * own (whatever TEST_DATABASE_URL says), with `max_connections` of 6: three of them are
 * reserved for superusers, so the app may open at most 3.
 */

let server: PostgresServer;
let sentry: SentryReceiver;
let appUrl: string;
const pools: Database[] = [];
const token = () => tokenFor(homeowners[0]!);

function connect(env: Record<string, string>): Database {
  const database = connectApp(appUrl, env);
  pools.push(database);
  return database;
}

beforeAll(async () => {
  sentry = await startSentryReceiver();
  initErrorTracking({ SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'test' });
  server = await startPostgres({
    label: 'outage',
    persistent: true, // kept across the restart below; removed by stop() in afterAll
    settings: { max_connections: 6, superuser_reserved_connections: 3 },
  });
  const database = await provisionDatabase({
    serverUrl: server.url,
    name: 'openhouse',
    appRole: APP_ROLE,
    appPassword: APP_PASSWORD,
  });
  appUrl = database.appUrl;
  await seed(database.adminUrl);
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await server?.stop();
  await sentry?.close();
});

describe('a Postgres restart under steady traffic', () => {
  it('answers every call during the outage with 503, and serves every call again once Postgres is back', async () => {
    const database = connect({ DB_POOL_MAX: '2', DB_CONNECTION_TIMEOUT_MS: '1000' });
    const caller = await slowCaller({ database, verifyToken }, await token());
    const countsBefore = new Map(
      failureCounts()
        .filter((row) => row.route === 'app.noticeboard.list')
        .map((row) => [row.kind, row.count]),
    );
    const calls: { startedAt: number; endedAt: number; outcome: string }[] = [];
    let traffic = true;
    const loop = (async () => {
      // Bounded: at most 400 calls, ending when the test says so.
      for (let i = 0; traffic && i < 400; i++) {
        const startedAt = Date.now();
        const outcome = await outcomeOf(caller.app.noticeboard.list({ limit: 5 }));
        calls.push({ startedAt, endedAt: Date.now(), outcome });
        await sleep(50);
      }
    })();

    await sleep(500);
    const stoppingAt = Date.now();
    await server.embedded!.stop();
    const downAt = Date.now();
    await sleep(3_000);
    await server.embedded!.start();
    const upAt = Date.now();
    await sleep(3_000);
    traffic = false;
    await loop;

    const before = calls.filter((call) => call.endedAt < stoppingAt);
    const during = calls.filter((call) => call.startedAt > downAt && call.endedAt < upAt);
    const after = calls.filter((call) => call.startedAt >= upAt);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((call) => call.outcome === 'OK')).toBe(true);
    // During the outage: every call answered, each a clean 503 (a call that hung would have kept
    // the loop, and this test, from finishing).
    expect(during.length).toBeGreaterThan(0);
    expect(during.map((call) => call.outcome)).toEqual(during.map(() => 'SERVICE_UNAVAILABLE'));
    // After: served again (the 3 s watched after the restart bound the recovery), and it stays.
    const firstSuccess = after.find((call) => call.outcome === 'OK');
    expect(firstSuccess).toBeDefined();
    const later = after.filter((call) => call.startedAt > firstSuccess!.endedAt);
    expect(later.length).toBeGreaterThan(0);
    expect(later.map((call) => call.outcome)).toEqual(later.map(() => 'OK'));
    // The outage's failures, counted by kind for this route during this test.
    const kinds = new Set(
      failureCounts()
        .filter(
          (row) => row.route === 'app.noticeboard.list' && row.count > (countsBefore.get(row.kind) ?? 0),
        )
        .map((row) => row.kind),
    );
    expect(
      [...kinds].every((kind) => ['connect_failed', 'connection_terminated', 'pool_timeout'].includes(kind)),
    ).toBe(true);
    expect(kinds.size).toBeGreaterThan(0);
    // Sentry heard about the outage, by route, with the pool's state at the time.
    await flushErrorTracking();
    await expect
      .poll(() => sentry.events.filter((e) => e.tags?.route === 'app.noticeboard.list').length)
      .toBeGreaterThan(0);
    const outage = sentry.events.find((e) => e.tags?.route === 'app.noticeboard.list')!;
    expect(kinds).toContain(outage.tags!['db.failure']);
    expect(outage).toMatchObject({
      transaction: 'app.noticeboard.list',
      fingerprint: ['db', outage.tags!['db.failure'], 'app.noticeboard.list'],
      contexts: { pool: { max: 2 } },
    });
    await database.close(); // its connections would take the next test's few slots
  });
});

describe('a server with fewer connections than the pool wants', () => {
  it('answers the overflow with 503 as too_many_connections and keeps serving on the connections it has', async () => {
    // Start from an empty server: every non-reserved slot free.
    const appBackends = () =>
      withAdminClient(server.url, async (client) => {
        const { rows } = await client.query(
          `select count(*)::int as n from pg_stat_activity where usename = $1`,
          [APP_ROLE],
        );
        return rows[0].n as number;
      });
    await expect.poll(appBackends, { timeout: 5_000 }).toBe(0);
    // The pool already has two connections. (A burst of simultaneous connection start-ups can be
    // refused all at once: Postgres counts starting backends before it checks the reserved slots.)
    const database = connect({ DB_POOL_MIN: '2', DB_POOL_MAX: '10', DB_POOL_TENANT_MAX: '10' });
    await database.warm();
    const caller = await slowCaller({ database, verifyToken }, await token());
    const refusedBefore =
      failureCounts().find((row) => row.kind === 'too_many_connections' && row.route === 'slow')?.count ?? 0;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => outcomeOf(caller.slow({ seconds: 0.5 }))),
    );
    const ok = outcomes.filter((outcome) => outcome === 'OK').length;
    expect(ok).toBeGreaterThanOrEqual(2); // served on the connections it has
    expect(ok).toBeLessThanOrEqual(3);
    expect(
      outcomes.filter((outcome) => outcome !== 'OK').every((outcome) => outcome === 'SERVICE_UNAVAILABLE'),
    ).toBe(true);
    expect(
      (failureCounts().find((row) => row.kind === 'too_many_connections' && row.route === 'slow')?.count ??
        0) - refusedBefore,
    ).toBe(10 - ok);
    // The pool keeps what it has and serves with it.
    for (let i = 0; i < 5; i++) expect(await outcomeOf(caller.app.noticeboard.list({}))).toBe('OK');
    const stats = database.stats();
    expect(stats.total).toBeLessThanOrEqual(3);
    expect(stats.idle).toBe(stats.total);
    expect(stats.waiting).toBe(0);
    await flushErrorTracking();
    await expect
      .poll(() => sentry.events.filter((e) => e.tags?.['db.failure'] === 'too_many_connections').length)
      .toBeGreaterThan(0);
    expect(sentry.events.find((e) => e.tags?.['db.failure'] === 'too_many_connections')).toMatchObject({
      transaction: 'slow',
      tags: { route: 'slow', 'db.sqlstate': '53300' },
      contexts: { pool: { max: 10 } },
    });
  });
});
