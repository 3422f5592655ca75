import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyDbFailure, type Database } from '@openhouse/db';
import { callerFor, tokenFor } from '@openhouse/harness/api';
import { startFaultProxy, type FaultProxy } from '@openhouse/harness/fault-proxy';
import { seedUser } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

import { renderPrometheus } from '../src/metrics';

/**
 * A connection that breaks around COMMIT, on a real Postgres behind a TCP proxy that cuts the
 * connection at that exact point of the wire protocol (`fault-proxy.ts`): a commit whose answer
 * was lost is found out from the server and answered as the success it was; a transaction that
 * never committed is run again, invisibly and once; and when nobody can say, the caller is told
 * so — never "retry shortly", which could save the change twice.
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
let testDb: TestDatabase;
let proxy: FaultProxy;
let database: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  proxy = await startFaultProxy(testDb.appUrl);
  database = testDb.connect({ DATABASE_URL: proxy.url, DB_POOL_MAX: '2' });
});
afterAll(async () => {
  await database?.close();
  await proxy?.close();
  await testDb?.drop();
});

const threadsNamed = async (subject: string) =>
  Number(
    (
      await testDb.adminQuery<{ n: string }>('select count(*) as n from chat_threads where subject = $1', [
        subject,
      ])
    )[0]!.n,
  );

const send = async (subject: string) =>
  (await callerFor(database, await tokenFor(homeowner))).chat.send({
    subject,
    body: 'The gutter is leaking.',
  });

/** `openhouse_db_retries_total` for chat.send, as /api/metrics would show it. */
const retries = async () =>
  Number(
    /openhouse_db_retries_total\{route="chat\.send"\} (\d+)/.exec(
      await renderPrometheus(database.stats()),
    )?.[1] ?? 0,
  );

describe('a connection that breaks around COMMIT', () => {
  it('answers a commit whose answer was lost as the success it was, saved once', async () => {
    const subject = 'Lost commit answer';
    const retriesBefore = await retries();
    const fault = proxy.armCommitFault('drop-commit-answer');
    const sent = await send(subject);
    await fault;
    expect(sent).toMatchObject({ threadId: expect.any(String) });
    expect(await threadsNamed(subject)).toBe(1);
    expect(await retries()).toBe(retriesBefore); // found out, not run again
  });

  it('runs a mutation whose connection broke before COMMIT once more, invisibly, saved once', async () => {
    const subject = 'Broke mid-transaction';
    const retriesBefore = await retries();
    const fault = proxy.armStatementFault('insert into "chat_threads"');
    const sent = await send(subject);
    await fault;
    expect(sent).toMatchObject({ threadId: expect.any(String) });
    expect(await threadsNamed(subject)).toBe(1);
    expect(await retries()).toBe(retriesBefore + 1);
  });

  it('says the outcome is unknown (502, not 503) when even the transaction id was lost', async () => {
    const subject = 'Outcome unknown';
    const fault = proxy.armCommitFault('drop-all-answers');
    const error = await send(subject).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await fault;
    expect(error).toMatchObject({ code: 'BAD_GATEWAY' });
    expect((error as Error).message).toContain('may or may not have been saved');
    expect(classifyDbFailure((error as Error).cause)).toMatchObject({
      kind: 'commit_unknown',
      committed: 'unknown',
    });
    // The server did commit: which is exactly why the call must not be retried blindly.
    expect(await threadsNamed(subject)).toBe(1);
  });

  it('leaves the pool whole afterwards', async () => {
    await expect.poll(() => database.stats()).toMatchObject({ waiting: 0 });
    const threads = await (await callerFor(database, await tokenFor(homeowner))).chat.threads({ limit: 5 });
    expect(threads.items.length).toBeGreaterThan(0);
    expect(database.tenantShares()).toEqual([]);
  });
});
