import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectApp } from '@openhouse/harness/test-database';
import { outcomeOf, tokenFor, verifyToken } from '@openhouse/harness/api';
import { homeowners } from '@openhouse/harness/identities';
import { provisionDatabase, startPostgres, type PostgresServer } from '@openhouse/harness/postgres';
import { slowCaller } from '@openhouse/harness/slow-router';
import { APP_PASSWORD, APP_ROLE } from '@openhouse/harness/urls';
import { seed } from '@openhouse/seed';

import type { Database } from '@openhouse/db';

/**
 * A Postgres restart shorter than the connection timeout costs no request: calls that find the
 * server down keep asking for a connection until it is back (within DB_CONNECTION_TIMEOUT_MS), and
 * a call whose connection the shutdown cut is replayed on a new one. On a private embedded server,
 * since it is stopped and started.
 */

let server: PostgresServer;
let database: Database;

beforeAll(async () => {
  server = await startPostgres({ label: 'short-restart', persistent: true });
  const provisioned = await provisionDatabase({
    serverUrl: server.url,
    name: 'openhouse',
    appRole: APP_ROLE,
    appPassword: APP_PASSWORD,
  });
  await seed(provisioned.adminUrl);
  database = connectApp(provisioned.appUrl, { DB_POOL_MAX: '3', DB_CONNECTION_TIMEOUT_MS: '20000' });
});
afterAll(async () => {
  await database?.close();
  await server?.stop();
});

describe('a Postgres restart shorter than the connection timeout', () => {
  it('is a wait for the calls it meets, not a failure', async () => {
    const caller = await slowCaller({ database, verifyToken }, await tokenFor(homeowners[0]!));
    const outcomes: string[] = [];
    let restarted = false;
    // Three callers in a loop, each call a query; they run until the server has been back a while.
    const callers = Array.from({ length: 3 }, async () => {
      let afterRestart = 0;
      while (afterRestart < 5) {
        outcomes.push(await outcomeOf(caller.app.noticeboard.list({ limit: 5 })));
        if (restarted) afterRestart++;
      }
    });
    await expect.poll(() => outcomes.length).toBeGreaterThan(10);
    const beforeStop = outcomes.length;
    await server.embedded!.stop();
    await server.embedded!.start();
    restarted = true;
    await Promise.all(callers);
    // Calls were made across the restart, and every one of them succeeded.
    expect(outcomes.length).toBeGreaterThan(beforeStop + 10);
    expect(outcomes.filter((outcome) => outcome !== 'OK')).toEqual([]);
  });
});
