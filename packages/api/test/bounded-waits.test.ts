import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { drainAndClose } from '@openhouse/api/server';
import { classifyDbFailure, type Database } from '@openhouse/db';
import { claimsFor, homeowners } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

import { drain } from '../src/server/drain';

/**
 * Every wait is bounded, proved on a real Postgres: a backend stopped with SIGSTOP (a hung server
 * or a black-holed network) costs a request at most the statement timeout plus a margin, and the
 * drain ends within its grace whatever the database does. Plus the pool's own bookkeeping:
 * warm() after a failed connect, load shedding on an idle pool, and a COMMIT answered ROLLBACK.
 */

let testDb: TestDatabase;
const claims = claimsFor(homeowners[0]!);

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.drop();
});

const backendPid = (database: Database) =>
  database.withRls(claims, async (tx) => {
    const result = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    return Number(result.rows[0]!.pid);
  });

/** Runs `fn` with the backend `pid` stopped; always resumed afterwards. */
async function withStoppedBackend<T>(pid: number, fn: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

async function settledWithin<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ settled: boolean; value?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ settled: false }>(
    (resolve) => (timer = setTimeout(() => resolve({ settled: false }), ms)),
  );
  const outcome = await Promise.race([
    promise.then(
      (value) => ({ settled: true, value }),
      (value: unknown) => ({ settled: true, value }),
    ),
    timeout,
  ]);
  clearTimeout(timer);
  return outcome;
}

describe('a stalled backend (SIGSTOP)', () => {
  it('fails a query within the statement timeout plus a margin, and the pool recovers', async () => {
    const database = testDb.connect({
      DB_POOL_MAX: '1',
      DB_STATEMENT_TIMEOUT_MS: '500',
      DB_CONNECTION_TIMEOUT_MS: '1000',
    });
    const pid = await backendPid(database);
    const startedAt = Date.now();
    const outcome = await withStoppedBackend(pid, () =>
      settledWithin(
        database.withRls(claims, (tx) => tx.execute(sql`select 1`)),
        4_000,
      ),
    );
    expect(outcome.settled).toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(outcome.value).toBeInstanceOf(Error);
    expect(classifyDbFailure(outcome.value)?.kind).toBe('statement_timeout');
    // The stalled connection was destroyed, not returned: the next request gets a fresh one.
    expect(await backendPid(database)).not.toBe(pid);
    expect(database.stats()).toMatchObject({ waiting: 0 });
  });

  it('the drain closes within its grace even while a query hangs', async () => {
    const database = testDb.connect({
      DB_POOL_MAX: '1',
      DB_STATEMENT_TIMEOUT_MS: '20000',
      DB_CONNECTION_TIMEOUT_MS: '1000',
    });
    const pid = await backendPid(database);
    try {
      await withStoppedBackend(pid, async () => {
        const hanging = database.withRls(claims, (tx) => tx.execute(sql`select 1`));
        hanging.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const startedAt = Date.now();
        const outcome = await settledWithin(drainAndClose(database, 1_000), 5_000);
        expect(outcome).toEqual({ settled: true, value: false });
        expect(Date.now() - startedAt).toBeLessThan(1_500);
      });
    } finally {
      drain.draining = false;
    }
  });
});

describe('warm()', () => {
  it('releases what it got when one connect fails, so close() still resolves', async () => {
    await testDb.adminQuery(`alter database ${testDb.name} connection limit 2`);
    try {
      const database = testDb.connect({ DB_POOL_MIN: '3', DB_POOL_MAX: '3' });
      const error = await database.warm().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as { code?: string }).code).toBe('53300');
      const stats = database.stats();
      expect(stats.idle).toBe(stats.total);
      expect((await settledWithin(database.close(), 2_000)).settled).toBe(true);
    } finally {
      await testDb.adminQuery(`alter database ${testDb.name} connection limit -1`);
    }
  });
});

describe('load shedding', () => {
  it('DB_POOL_MAX_WAITING=0 sheds nothing while connections are free', async () => {
    const database = testDb.connect({ DB_POOL_MIN: '2', DB_POOL_MAX: '2', DB_POOL_MAX_WAITING: '0' });
    await database.warm();
    expect(await database.withRls(claims, async () => 'served')).toBe('served');
    const both = await Promise.allSettled([
      database.withRls(claims, (tx) => tx.execute(sql`select 1`)),
      database.withRls(claims, (tx) => tx.execute(sql`select 1`)),
    ]);
    expect(both.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
  });

  it('sheds only the requests that would really wait', async () => {
    const database = testDb.connect({ DB_POOL_MIN: '2', DB_POOL_MAX: '2', DB_POOL_MAX_WAITING: '1' });
    await database.warm();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        database.withRls(claims, (tx) => tx.execute(sql`select pg_sleep(0.2)`)),
      ),
    );
    const kinds = outcomes.map((outcome) =>
      outcome.status === 'fulfilled' ? 'ok' : classifyDbFailure(outcome.reason)?.kind,
    );
    // Two served at once, one queued, the fourth shed.
    expect(kinds).toEqual(['ok', 'ok', 'ok', 'pool_exhausted']);
  });
});

describe('a COMMIT answered with ROLLBACK', () => {
  it('throws instead of resolving as success, and nothing is written', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '1' });
    const outcome = await database
      .withRls(claims, async (tx) => {
        await tx.execute(sql`select 1/0`).catch(() => undefined); // swallowed: the transaction is aborted
        return 'looks fine';
      })
      .then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
    expect(outcome.ok).toBe(false);
    expect(String((outcome as { error: Error }).error.message)).toMatch(/ROLLBACK/);
    // The connection is clean for the next request.
    expect(await database.withRls(claims, async () => 'next')).toBe('next');
  });
});
