import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pgErrorOf } from '@openhouse/db';
import { requestRoleFor, runWithRls } from '@openhouse/db/rls';
import { seedData } from '@openhouse/seed';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { claimsFor, homeowners, staff } from '@openhouse/harness/identities';

/** One request's identity never reaches the next borrower of a pooled connection. */

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

const whoAmI = sql`select current_user as login, auth.uid() as uid, auth.tenant_id() as tenant,
  current_setting('role') as role, pg_backend_pid() as pid`;

describe('with DB_POOL_MAX=2', () => {
  it('500 interleaved calls from 10 identities each see only their own rows', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '2' });
    // Homeowners from every tenant and development, plus staff: 10 identities sharing 2 connections.
    const identities = [...[0, 25, 50, 75, 100, 119].map((i) => homeowners[i]!), ...staff.slice(0, 4)];
    const pids = new Set<number>();

    const calls = Array.from({ length: 500 }, async (_, call) => {
      const user = identities[call % identities.length]!;
      return database.withRls(claimsFor(user), async (tx) => {
        const [me] = (await tx.execute(whoAmI)).rows as {
          uid: string;
          tenant: string;
          role: string;
          pid: number;
        }[];
        // Yield mid-transaction so that other calls queue for the connection meanwhile.
        if (call % 7 === 0) await tx.execute(sql`select pg_sleep(0.002)`);
        const notices = (await tx.execute(sql`select tenant_id, development_id, house_id from notices`))
          .rows as { tenant_id: string; development_id: string; house_id: string | null }[];
        pids.add(me!.pid);
        return { user, me: me!, notices };
      });
    });

    for (const { user, me, notices } of await Promise.all(calls)) {
      expect(me.uid).toBe(user.id);
      expect(me.tenant).toBe(user.tenantId);
      expect(me.role).toBe(requestRoleFor(claimsFor(user)));
      const expected = seedData.notices.filter(
        (n) =>
          n.tenantId === user.tenantId &&
          (user.appRole === 'developer'
            ? !user.developmentId || n.developmentId === user.developmentId
            : n.developmentId === user.developmentId && (n.houseId === null || n.houseId === user.houseId)),
      );
      expect(notices.length).toBe(expected.length);
      for (const notice of notices) expect(notice.tenant_id).toBe(user.tenantId);
    }
    expect(pids.size).toBe(2); // both connections really were shared
    expect(database.stats()).toMatchObject({ total: 2, idle: 2, waiting: 0 });
  });
});

describe('after a procedure throws mid-transaction', () => {
  it('the next user of that connection sees no claims and the login role', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '1' });
    const victim = homeowners[0]!;
    let pidInside = 0;
    await expect(
      database.withRls(claimsFor(victim), async (tx) => {
        const [row] = (await tx.execute(whoAmI)).rows as { pid: number; uid: string }[];
        pidInside = row!.pid;
        expect(row!.uid).toBe(victim.id);
        await tx.execute(
          sql`insert into analytics_events (development_id, name) values (${victim.developmentId}, 'half.written')`,
        );
        throw new Error('procedure failed half-way');
      }),
    ).rejects.toThrow('procedure failed half-way');

    const { rows } = await database.pool.query(
      `select current_user as login, current_setting('role') as role,
              current_setting('request.jwt.claims', true) as claims, pg_backend_pid() as pid`,
    );
    expect(rows[0].pid).toBe(pidInside); // the same connection, reused
    expect(rows[0]).toMatchObject({ login: 'openhouse_app', role: 'none' });
    expect(rows[0].claims ?? '').toBe('');
    // Nothing half-written survived the rollback.
    const events = await testDb.adminQuery(`select 1 from analytics_events where name = 'half.written'`);
    expect(events).toEqual([]);
  });

  it('after a failed statement the connection is rolled back and serves the next identity', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '1' });
    const [first, second] = [homeowners[3]!, homeowners[70]!];
    const failure = await database
      .withRls(claimsFor(first), (tx) => tx.execute(sql`select 1/0`))
      .then(
        () => null,
        (error: unknown) => pgErrorOf(error)?.code,
      );
    expect(failure).toBe('22012');
    const uid = await database.withRls(
      claimsFor(second),
      async (tx) => (await tx.execute(whoAmI)).rows[0]!.uid,
    );
    expect(uid).toBe(second.id);
  });
});

describe('a failed prelude', () => {
  it('fails the request and never runs its query outside RLS', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '1' });
    const user = homeowners[0]!;
    let queryAnswered = false;
    // An out-of-range statement timeout makes the prelude's set_config fail on the server.
    const outcome = await runWithRls(
      database.pool,
      claimsFor(user),
      async (tx) => {
        const result = await tx.execute(sql`select current_user`);
        queryAnswered = true;
        return result;
      },
      -5,
    ).then(
      () => 'succeeded',
      (error: unknown) => (error as Error).message,
    );
    expect(outcome).toMatch(/statement_timeout|outside the valid range/);
    expect(queryAnswered).toBe(false);
    // The connection itself was fine: rolled back and kept, idle, for the next request.
    expect(database.stats()).toMatchObject({ total: 1, idle: 1, waiting: 0 });
  });
});
