import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyDbFailure } from '@openhouse/db';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { claimsFor, homeowners } from '@openhouse/harness/identities';

/**
 * The classifier on real errors from node-postgres and Postgres. (Pool timeouts, exhaustion,
 * killed connections, restarts and 53300 are provoked end to end in packages/api's failure suites.)
 */

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

const claims = claimsFor(homeowners[0]!);
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => classifyDbFailure(error),
  );

describe('classifyDbFailure', () => {
  it('knows a statement timeout by SQLSTATE 57014', async () => {
    const database = testDb.connect({ DB_STATEMENT_TIMEOUT_MS: '50' });
    expect(
      await failureOf(database.withRls(claims, (tx) => tx.execute(sql`select pg_sleep(1)`))),
    ).toMatchObject({
      kind: 'statement_timeout',
      sqlState: '57014',
    });
  });

  it('calls any other server error db_error with its SQLSTATE', async () => {
    const database = testDb.connect();
    expect(await failureOf(database.withRls(claims, (tx) => tx.execute(sql`select 1/0`)))).toMatchObject({
      kind: 'db_error',
      sqlState: '22012',
    });
  });

  it('knows a double release and a use after close as client_misuse', async () => {
    const database = testDb.connect();
    let borrowed: pg.PoolClient | undefined;
    database.pool.once('acquire', (client) => (borrowed = client));
    await database.withRls(claims, (tx) => tx.execute(sql`select 1`));
    const doubleRelease = (() => {
      try {
        borrowed!.release();
      } catch (error) {
        return error;
      }
    })();
    expect(classifyDbFailure(doubleRelease)).toMatchObject({ kind: 'client_misuse' });
    await database.close();
    expect(await failureOf(borrowed!.query('select 1'))).toMatchObject({ kind: 'client_misuse' });
  });

  it('knows an unreachable server as connect_failed', async () => {
    const url = new URL(testDb.appUrl);
    url.port = '1'; // nothing listens there
    const database = testDb.connect({ DATABASE_URL: url.toString(), DB_CONNECTION_TIMEOUT_MS: '1000' });
    expect(await failureOf(database.withRls(claims, (tx) => tx.execute(sql`select 1`)))).toMatchObject({
      kind: 'connect_failed',
    });
  });

  // Raised by the real server with each code of class 08 (connection exception).
  it.each(['08000', '08001', '08003', '08004', '08006', '08007', '08P01'])(
    'knows SQLSTATE %s (class 08) as connect_failed',
    async (code) => {
      const error = await testDb
        .adminQuery(`do $$ begin raise exception 'connection exception' using errcode = '${code}'; end $$`)
        .catch((caught: unknown) => caught);
      expect(classifyDbFailure(error)).toMatchObject({ kind: 'connect_failed', sqlState: code });
    },
  );

  it('knows 25P03 as idle_in_transaction_timeout, though pg throws "not queryable" at the next query', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '1', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '200' });
    expect(
      await failureOf(
        database.withRls(claims, async (tx) => {
          await tx.execute(sql`select 1`);
          await new Promise((resolve) => setTimeout(resolve, 800)); // idle inside the transaction
          return tx.execute(sql`select 1`);
        }),
      ),
    ).toMatchObject({ kind: 'idle_in_transaction_timeout', sqlState: '25P03' });
  });

  it("does not call an operator's pg_cancel_backend a statement timeout", async () => {
    const database = testDb.connect({ DB_POOL_MAX: '1', DB_APPLICATION_NAME: 'cancelled' });
    const running = failureOf(database.withRls(claims, (tx) => tx.execute(sql`select pg_sleep(5)`)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await testDb.adminQuery(
      `select pg_cancel_backend(pid) from pg_stat_activity where application_name = 'cancelled' and state = 'active'`,
    );
    expect(await running).toMatchObject({ kind: 'db_error', sqlState: '57014' });
  });

  it('never tags a socket errno such as EPIPE as a SQLSTATE', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
    const failure = classifyDbFailure(epipe);
    expect(failure?.sqlState).toBeUndefined();
  });

  it('leaves errors that did not come from the database alone', () => {
    expect(classifyDbFailure(new TypeError('x is undefined'))).toBeUndefined();
  });
});
