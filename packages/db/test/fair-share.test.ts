import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyDbFailure, FairShare, type Database } from '@openhouse/db';
import { claimsFor, homeowners } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * The pool's share-out between tenants (`fair-share.ts`): the gate's rules on their own, then a
 * flood from one tenant against a real pool and Postgres while another tenant asks for one
 * connection at a time.
 */

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'granted',
    (error: Error) => error.name,
  );

describe('the gate', () => {
  it('hands a freed slot to the waiting tenant that holds the fewest', async () => {
    const gate = new FairShare({ max: 3, tenantMax: 3, waitTimeoutMs: 0 });
    const held = await Promise.all([gate.acquire('a'), gate.acquire('a'), gate.acquire('a')]);
    const order: string[] = [];
    const releases: (() => void)[] = [];
    const waiters = ['a', 'a', 'a', 'b'].map((tenant) =>
      gate.acquire(tenant).then((release) => {
        order.push(tenant);
        releases.push(release);
      }),
    );
    held[0]!();
    await waiters[3];
    // b came last but holds nothing: it goes before a's earlier waiters.
    expect(order).toEqual(['b']);
    held[1]!();
    held[2]!();
    await Promise.all(waiters.slice(0, 2));
    expect(order).toEqual(['b', 'a', 'a']);
    releases.shift()!();
    await waiters[2];
    for (const release of releases) release();
    expect(gate.shares()).toEqual([]);
  });

  it('keeps one tenant under its ceiling even with free slots, and serves another at once', async () => {
    const gate = new FairShare({ max: 5, tenantMax: 4, waitTimeoutMs: 0 });
    const a = [1, 2, 3, 4].map(() => gate.acquire('a'));
    await Promise.all(a);
    const fifth = gate.acquire('a');
    expect(gate.shares()).toEqual([{ tenantId: 'a', inUse: 4, waiting: 1 }]);
    const b = await gate.acquire('b');
    expect(gate.shares()).toContainEqual({ tenantId: 'b', inUse: 1, waiting: 0 });
    b();
    (await a[0]!)();
    (await fifth)();
  });

  it('sheds the flooding tenant, not the newcomer, when the queue is full', async () => {
    const gate = new FairShare({ max: 1, tenantMax: 1, maxWaiting: 4, waitTimeoutMs: 0 });
    // Each waiter gives its slot back as soon as it has it.
    const served = (tenant: string) => outcome(gate.acquire(tenant).then((release) => release()));
    const holder = await gate.acquire('a');
    const queued = [1, 2, 3, 4].map(() => served('a'));
    expect(await served('a')).toBe('PoolExhaustedError');
    // b queues nothing yet: a's newest waiter is shed to make room for it.
    const b = served('b');
    expect(await queued[3]).toBe('PoolExhaustedError');
    expect(gate.waiting).toBe(4);
    expect(gate.counters.shed.get('a')).toBe(2);
    holder();
    expect(await b).toBe('granted');
    expect(await Promise.all(queued.slice(0, 3))).toEqual(['granted', 'granted', 'granted']);
  });

  it('bounds every wait by the timeout', async () => {
    const gate = new FairShare({ max: 1, tenantMax: 1, waitTimeoutMs: 50 });
    const holder = await gate.acquire('a');
    expect(await outcome(gate.acquire('b'))).toBe('PoolWaitTimeoutError');
    expect(gate.waiting).toBe(0);
    expect(gate.counters.timedOut.get('b')).toBe(1);
    holder();
  });
});

describe('one tenant floods a real pool', () => {
  let testDb: TestDatabase;
  const flooder = claimsFor(homeowners[0]!);
  const other = claimsFor(homeowners.find((user) => user.tenantId !== homeowners[0]!.tenantId)!);

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.drop();
  });

  /**
   * Runs `total` transactions for the flooder, `concurrency` at a time, each holding its connection
   * for `holdMs`, and `probes` sequential one-query transactions for the other tenant meanwhile.
   * For each probe: how many flooder transactions began while it waited for its connection. Those
   * granted just before the probe asked may begin just after (the checkout is asynchronous), so
   * up to the flooder's holding count is no overtaking; first come, first served would let the
   * whole queue ahead of it (about 36) go first.
   */
  async function flood(database: Database, { holdMs = 30, concurrency = 40, total = 120, probes = 5 } = {}) {
    const flooderStarts: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        await database.withRls(flooder, async (tx) => {
          flooderStarts.push(performance.now());
          await tx.execute(sql`select pg_sleep(${holdMs / 1000})`);
        });
      }
    };
    const workers = Array.from({ length: concurrency }, worker);
    // Let the flood fill the pool and its queue before the other tenant asks.
    await expect.poll(() => database.stats().waiting, { interval: 5 }).toBeGreaterThan(concurrency / 2);
    const overtakenBy: number[] = [];
    let peakFlooderInUse = 0;
    for (let i = 0; i < probes; i++) {
      const askedAt = performance.now();
      const grantedAt = await database.withRls(other, async (tx) => {
        const at = performance.now();
        await tx.execute(sql`select 1`);
        return at;
      });
      overtakenBy.push(flooderStarts.filter((t) => t > askedAt && t < grantedAt).length);
      const flooderShare = database.tenantShares().find((share) => share.tenantId === flooder.tenant_id);
      peakFlooderInUse = Math.max(peakFlooderInUse, flooderShare?.inUse ?? 0);
    }
    await Promise.all(workers);
    return { overtakenBy, peakFlooderInUse };
  }

  it('serves the other tenant before the flood queued ahead of it', async () => {
    // The ceiling at the whole pool: the other tenant must wait for a slot to free.
    const database = testDb.connect({ DB_POOL_MAX: '4', DB_POOL_TENANT_MAX: '4', DB_POOL_MIN: '0' });
    try {
      const { overtakenBy } = await flood(database);
      expect(Math.max(...overtakenBy)).toBeLessThanOrEqual(4);
    } finally {
      await database.close();
    }
  });

  it('keeps the flooder under its ceiling, so the other tenant finds a slot free', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '5', DB_POOL_MIN: '0' });
    try {
      expect(database.stats().tenantMax).toBe(4); // the default: all but one
      const { overtakenBy, peakFlooderInUse } = await flood(database);
      expect(Math.max(...overtakenBy)).toBeLessThanOrEqual(4);
      expect(peakFlooderInUse).toBeLessThanOrEqual(4);
      expect(database.stats()).toMatchObject({ waiting: 0 });
      expect(database.tenantShares()).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('answers the flooder past its share of the queue with pool_exhausted, never a hang', async () => {
    const database = testDb.connect({ DB_POOL_MAX: '2', DB_POOL_MAX_WAITING: '10', DB_POOL_MIN: '0' });
    try {
      const results = await Promise.all(
        Array.from({ length: 30 }, () =>
          database
            .withRls(flooder, (tx) => tx.execute(sql`select pg_sleep(0.02)`))
            .then(
              () => 'ok',
              (error: unknown) => classifyDbFailure(error)?.kind ?? String(error),
            ),
        ),
      );
      const shed = results.filter((r) => r === 'pool_exhausted').length;
      // Both slots held (no ceiling below four), ten queued: the rest shed at once.
      expect(shed).toBe(30 - 2 - 10);
      expect(results.filter((r) => r === 'ok').length).toBe(12);
      expect(database.tenantCounters.shed.get(flooder.tenant_id)).toBe(shed);
    } finally {
      await database.close();
    }
  });
});
