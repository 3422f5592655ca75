import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { withAdminClient } from '@openhouse/db/admin';

import { tokenFor } from '@openhouse/harness/api';
import type { TestDatabase } from '@openhouse/harness/test-database';
import { startTestPortal, type TestPortal } from '@openhouse/harness/test-portal';
import { seedUser } from '@openhouse/harness/identities';
import { TEST_METRICS_TOKEN, type NextServer } from '@openhouse/harness/next-server';
import { startSentryReceiver, type SentryReceiver } from '@openhouse/harness/sentry-receiver';

/**
 * Pool failures as a user of the production server meets them, with the real Sentry SDK inside
 * Next.js sending to a local envelope endpoint. Requests are made slow by holding a lock on the
 * notices table from an admin connection.
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
let testDb: TestDatabase;
let sentry: SentryReceiver;
let server: NextServer;
let token: string;

let portal: TestPortal | undefined;

beforeAll(async () => {
  sentry = await startSentryReceiver();
  token = await tokenFor(homeowner);
  portal = await startTestPortal({
    SENTRY_DSN: sentry.dsn,
    SENTRY_ENVIRONMENT: 'test',
    DB_POOL_MIN: '1',
    DB_POOL_MAX: '1',
    DB_CONNECTION_TIMEOUT_MS: '300',
    DB_STATEMENT_TIMEOUT_MS: '1500',
  });
  ({ testDb, server } = portal);
});
afterAll(async () => {
  await portal?.stop();
  await sentry?.close();
});

const listNotices = () =>
  fetch(`${server.url}/api/trpc/noticeboard.list`, { headers: { authorization: `Bearer ${token}` } });

/**
 * The same request on a connection of its own. A draining server closes idle keep-alive
 * connections, and a request sent on one at that moment fails with "other side closed" instead of
 * reaching the server: that would test the client's socket reuse, not the server.
 */
const listNoticesOnNewConnection = () =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.get(
      `${server.url}/api/trpc/noticeboard.list`,
      { agent: false, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
  });

/** Requests of the app waiting on a lock in Postgres (the notices lock). */
async function appRequestsWaitingOnLock(): Promise<number> {
  const [row] = await testDb.adminQuery<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
     where datname = current_database() and usename = 'openhouse_app' and wait_event_type = 'Lock'`,
  );
  return row!.n;
}

/** Resolves once a request of the app is waiting on the notices lock (fails after 10 s). */
async function untilWaitingOnLock(): Promise<void> {
  await expect.poll(appRequestsWaitingOnLock, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
}

/** Resolves once the server has logged that it drains (fails after 10 s). */
async function untilDraining(): Promise<void> {
  await expect.poll(() => server.output(), { timeout: 10_000, interval: 20 }).toMatch(/draining/);
}

/** The portal's `/api/metrics` text, as a scraper with the metrics token reads it. */
const metrics = async () =>
  (
    await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
  ).text();

/** A counter's value in the metrics text; 0 when it has no line yet. */
function counter(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Holds an exclusive lock on `notices` until the returned function is called. */
async function lockNotices(): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = withAdminClient(testDb.adminUrl, async (client) => {
    await client.query('begin');
    await client.query('lock table notices in access exclusive mode');
    locked();
    await released;
    await client.query('rollback');
  });
  await isLocked;
  return async () => {
    release();
    await holder;
  };
}

/**
 * One request holds the only connection, blocked on the notices lock; a second waits 300 ms for a
 * connection and is answered 503; the first is cancelled by the 1.5 s statement timeout (504).
 */
async function busyThenTimedOut(): Promise<{ waiting: Response; timedOut: Response }> {
  const unlock = await lockNotices();
  try {
    const holding = listNotices(); // takes the only connection and blocks on the lock
    await untilWaitingOnLock();
    const waiting = await listNotices(); // waits 300 ms for a connection, then gives up
    const timedOut = await holding; // cancelled by the 1.5 s statement timeout
    return { waiting, timedOut };
  } finally {
    await unlock();
  }
}

describe('a busy pool over HTTP', () => {
  it('answers 503 with Retry-After, and 504 for the statement that ran too long, both reported by route', async () => {
    sentry.clear();
    const { waiting, timedOut } = await busyThenTimedOut();
    expect(waiting.status).toBe(503);
    expect(waiting.headers.get('retry-after')).toBe('1');
    expect(((await waiting.json()) as { error: { message: string } }).error.message).toBe(
      'The database is busy; retry shortly',
    );
    expect(timedOut.status).toBe(504);
    expect((await listNotices()).status).toBe(200);

    const events = await sentry.waitForEvents(2, 10_000);
    const byKind = Object.fromEntries(events.map((event) => [event.tags!['db.failure'], event]));
    for (const kind of ['pool_timeout', 'statement_timeout']) {
      expect(byKind[kind], kind).toMatchObject({
        transaction: 'noticeboard.list',
        fingerprint: ['db', kind, 'noticeboard.list'],
        environment: 'test',
        tags: { route: 'noticeboard.list', tenant_id: homeowner.tenantId, 'trpc.type': 'query' },
        contexts: { pool: { max: 1, total: 1 } },
      });
    }
    // The 503 waited its whole connection timeout, and had left the queue when it was reported.
    expect(byKind.pool_timeout!.contexts!.pool).toMatchObject({ waiting: 0 });
    expect(byKind.pool_timeout!.contexts!.pool!.wait_ms).toBeGreaterThanOrEqual(290);
  });

  it('counts each failure once in /api/metrics, by kind and route', async () => {
    const poolTimeouts = 'openhouse_db_failures_total{kind="pool_timeout",route="noticeboard.list"}';
    const statementTimeouts =
      'openhouse_db_failures_total{kind="statement_timeout",route="noticeboard.list"}';
    const served = 'openhouse_trpc_requests_total{route="noticeboard.list",code="OK"}';
    const waits = 'openhouse_db_pool_wait_seconds_count';
    const before = await metrics();
    const { waiting, timedOut } = await busyThenTimedOut();
    expect([waiting.status, timedOut.status]).toEqual([503, 504]);
    expect((await listNotices()).status).toBe(200);

    const after = await metrics();
    expect(after).toMatch(/^openhouse_db_pool_max 1$/m);
    expect(counter(after, poolTimeouts) - counter(before, poolTimeouts)).toBe(1);
    expect(counter(after, statementTimeouts) - counter(before, statementTimeouts)).toBe(1);
    expect(counter(after, served) - counter(before, served)).toBe(1);
    // Three waits for a connection: the holder's, the one that timed out, the last request's.
    expect(counter(after, waits) - counter(before, waits)).toBe(3);
  });
});

describe('SIGTERM', () => {
  it('refuses new requests, lets the one in flight finish, then closes the pool and exits 0', async () => {
    const unlock = await lockNotices();
    const inFlight = listNotices();
    await untilWaitingOnLock();
    const exited = server.signal('SIGTERM');
    await untilDraining();
    const refused = await listNoticesOnNewConnection();
    expect(refused.status).toBe(503);
    expect((JSON.parse(refused.body) as { error: { message: string } }).error.message).toMatch(
      /shutting down/,
    );
    await unlock();

    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(
      ((await finished.json()) as { result: { data: { items: unknown[] } } }).result.data.items.length,
    ).toBeGreaterThan(0);
    expect(await exited).toBe(0);
    expect(server.output()).toMatch(/draining 1 in-flight request/);
    expect(server.output()).toMatch(/pool closed, exiting/);
    expect(server.output()).not.toMatch(/Client was closed|Cannot use a pool after calling end/);
    // The pool really closed: none of the portal's connections is left on the server (a backend
    // may take a moment to go once its client has said goodbye).
    await expect
      .poll(() =>
        testDb.adminQuery(
          `select pid from pg_stat_activity where datname = current_database() and usename = 'openhouse_app'`,
        ),
      )
      .toEqual([]);
  });
});
