import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pgErrorOf, type Database } from '@openhouse/db';
import { seedData } from '@openhouse/seed';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { claimsFor, seedUser } from '@openhouse/harness/identities';

/**
 * Row-level security, table by table, through queries with no WHERE clause: whatever a caller
 * gets back is exactly what the policies let through.
 */

const homeownerA = seedUser('plot01.meadow-view@northfield.test');
const neighbourA = seedUser('plot02.meadow-view@northfield.test');
const homeownerB = seedUser('plot01.quayside-gardens@harbourside.test');
const staffA = seedUser('staff1@northfield.test');
const scopedStaffA = seedUser('staff2@northfield.test'); // scoped to Meadow View
const staffB = seedUser('staff1@harbourside.test');

type Row = Record<string, unknown>;
let testDb: TestDatabase;
let database: Database;

/** The SQLSTATE a call failed with. */
const sqlState = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: unknown) => pgErrorOf(error)?.code ?? String(error),
  );

const selectAll = (user: typeof homeownerA, table: string) =>
  database.withRls(
    claimsFor(user),
    async (tx) => (await tx.execute(sql.raw(`select * from ${table}`))).rows as Row[],
  );

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
  // Rows the seed does not have: chat, onboarding and analytics for a homeowner of each tenant and a neighbour.
  for (const user of [homeownerA, neighbourA, homeownerB]) {
    const thread = await testDb.adminQuery<{ id: string }>(
      `insert into chat_threads (tenant_id, development_id, house_id, homeowner_id, subject)
       values ($1, $2, $3, $4, 'Dripping tap') returning id`,
      [user.tenantId, user.developmentId, user.houseId, user.id],
    );
    await testDb.adminQuery(
      `insert into chat_messages (tenant_id, development_id, thread_id, homeowner_id, author_id, body)
       values ($1, $2, $3, $4, $4, 'The kitchen tap drips')`,
      [user.tenantId, user.developmentId, thread[0]!.id, user.id],
    );
    await testDb.adminQuery(
      `insert into onboarding_progress (user_id, tenant_id, development_id, house_id, completed_steps)
       values ($1, $2, $3, $4, '{claim}')`,
      [user.id, user.tenantId, user.developmentId, user.houseId],
    );
    await testDb.adminQuery(
      `insert into analytics_events (tenant_id, development_id, user_id, name) values ($1, $2, $3, 'page.view')`,
      [user.tenantId, user.developmentId, user.id],
    );
    await testDb.adminQuery(
      `insert into assistant_questions (tenant_id, development_id, house_id, user_id, question, answer, answered_by)
       values ($1, $2, $3, $4, 'When are bins collected?', 'Tuesday', 'passages')`,
      [user.tenantId, user.developmentId, user.houseId, user.id],
    );
    // Each has read their development's newest development-wide notice.
    await testDb.adminQuery(
      `insert into notice_reads (tenant_id, user_id, notice_id)
       select $1, $2, id from notices where development_id = $3 and house_id is null
       order by created_at desc limit 1`,
      [user.tenantId, user.id, user.developmentId],
    );
  }
});

beforeAll(async () => {
  // Idempotency keys: one per person, including staff, under the same key in every tenant.
  for (const user of [homeownerA, neighbourA, homeownerB, staffA, scopedStaffA, staffB]) {
    await testDb.adminQuery(
      `insert into idempotency_keys (tenant_id, user_id, key, request_hash, response)
       values ($1, $2, 'shared-key', 'hash', '{"ok":true}')`,
      [user.tenantId, user.id],
    );
  }
});

afterAll(() => testDb.drop());

const TABLES = [
  'tenants',
  'developments',
  'houses',
  'profiles',
  'notices',
  'documents',
  'document_passages',
  'chat_threads',
  'chat_messages',
  'onboarding_progress',
  'analytics_events',
  'house_invites',
  'assistant_questions',
  'analytics_daily',
  'analytics_people',
  'development_stats',
  'idempotency_keys',
  'notice_reads',
];
/** A homeowner's own: staff see none of them (checked below). */
const HOMEOWNERS_ONLY = ['notice_reads'];

describe('every table in the app schema', () => {
  it('is covered by this suite and has RLS enabled and forced', async () => {
    const rows = await testDb.adminQuery<{
      relname: string;
      on: boolean;
      forced: boolean;
    }>(
      `select c.relname, c.relrowsecurity as on, c.relforcerowsecurity as forced
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    expect(rows.map((row) => row.relname).sort()).toEqual([...TABLES].sort());
    for (const row of rows) expect(row, row.relname).toMatchObject({ on: true, forced: true });
  });
});

describe('a homeowner', () => {
  // Analytics (events and their rollups) and house_invites are staff-only to read; a homeowner
  // sees none, not even their own (an invite is claimed through private.claim_house_invite, never read).
  const staffOnly = [
    'analytics_events',
    'analytics_daily',
    'analytics_people',
    'development_stats',
    'house_invites',
  ];
  const visibleToHomeowners = TABLES.filter((table) => !staffOnly.includes(table));

  it.each(visibleToHomeowners)('sees only their tenant, development and house in %s', async (table) => {
    const rows = await selectAll(homeownerA, table);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.tenant_id).toBe(homeownerA.tenantId);
      if ('development_id' in row && table !== 'developments') {
        expect(row.development_id).toBe(homeownerA.developmentId);
      }
      if ('house_id' in row && row.house_id !== null) expect(row.house_id).toBe(homeownerA.houseId);
    }
  });

  it('sees development-wide notices and their own house notice, not the neighbour’s', async () => {
    const titles = (await selectAll(homeownerA, 'notices')).map((row) => row.title);
    expect(titles).toContain('Welcome to Meadow View');
    expect(titles).toContain('Snagging visit booked for plot 1');
    expect(titles).not.toContain('Snagging visit booked for plot 2');
  });

  it('sees only their own house, profile, threads and onboarding row', async () => {
    expect((await selectAll(homeownerA, 'houses')).map((row) => row.id)).toEqual([homeownerA.houseId]);
    expect((await selectAll(homeownerA, 'profiles')).map((row) => row.id)).toEqual([homeownerA.id]);
    for (const table of ['chat_threads', 'chat_messages']) {
      const rows = await selectAll(homeownerA, table);
      expect(rows.map((row) => row.homeowner_id)).toEqual([homeownerA.id]);
    }
    expect((await selectAll(homeownerA, 'onboarding_progress')).map((row) => row.user_id)).toEqual([
      homeownerA.id,
    ]);
    expect((await selectAll(homeownerA, 'assistant_questions')).map((row) => row.user_id)).toEqual([
      homeownerA.id,
    ]);
  });

  it('sees only their own idempotency keys, and staff theirs, never a colleague’s', async () => {
    for (const user of [homeownerA, staffA, scopedStaffA]) {
      const rows = await selectAll(user, 'idempotency_keys');
      expect(rows.map((row) => [row.tenant_id, row.user_id])).toEqual([[user.tenantId, user.id]]);
    }
  });

  it('sees only their own notice reads, not the neighbour’s of the same notice', async () => {
    const rows = await selectAll(homeownerA, 'notice_reads');
    expect(rows.map((row) => row.user_id)).toEqual([homeownerA.id]);
  });

  it('reads no invite codes, not even their own house’s', async () => {
    expect(await selectAll(homeownerA, 'house_invites')).toEqual([]);
  });

  it('cannot mark an invite used by writing to the table', async () => {
    const result = await database.withRls(claimsFor(homeownerA), (tx) =>
      tx.execute(sql`update house_invites set revoked_at = now()`),
    );
    expect(result.rowCount).toBe(0);
  });

  it('reads no analytics events', async () => {
    expect(await selectAll(homeownerA, 'analytics_events')).toEqual([]);
  });

  it('cannot see a document of another house or tenant by id', async () => {
    const otherHouseDoc = seedData.documents.find((doc) => doc.houseId === neighbourA.houseId)!;
    const otherTenantDoc = seedData.documents.find((doc) => doc.tenantId === homeownerB.tenantId)!;
    const rows = await database.withRls(claimsFor(homeownerA), async (tx) =>
      tx.execute(sql`select id from documents where id in (${otherHouseDoc.id}, ${otherTenantDoc.id})`),
    );
    expect(rows.rows).toEqual([]);
  });
});

describe('staff', () => {
  it.each(TABLES.filter((table) => !HOMEOWNERS_ONLY.includes(table)))(
    'see only their own tenant in %s',
    async (table) => {
      const rows = await selectAll(staffA, table);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.tenant_id).toBe(staffA.tenantId);
    },
  );

  it.each(HOMEOWNERS_ONLY)('see none of %s', async (table) => {
    for (const staff of [staffA, scopedStaffA]) expect(await selectAll(staff, table)).toEqual([]);
  });

  it('see every development of their tenant, or one when their token is scoped', async () => {
    const tenantDevelopments = seedData.developments.filter((d) => d.tenantId === staffA.tenantId);
    const all = await selectAll(staffA, 'notices');
    expect(new Set(all.map((row) => row.development_id))).toEqual(
      new Set(tenantDevelopments.map((d) => d.id)),
    );
    const scoped = await selectAll(scopedStaffA, 'notices');
    expect(scoped.length).toBeGreaterThan(0);
    expect(new Set(scoped.map((row) => row.development_id))).toEqual(new Set([scopedStaffA.developmentId]));
  });
});

describe('writes across tenants', () => {
  const tenantB = homeownerB.tenantId;
  const developmentB = homeownerB.developmentId!;

  it('refuse a notice carrying another tenant id', async () => {
    await expect(
      sqlState(
        database.withRls(claimsFor(staffA), (tx) =>
          tx.execute(
            sql`insert into notices (tenant_id, development_id, title, body) values (${tenantB}, ${developmentB}, 'x', 'y')`,
          ),
        ),
      ),
    ).resolves.toBe('42501');
  });

  it('refuse a notice for another tenant’s development under the caller’s tenant', async () => {
    await expect(
      sqlState(
        database.withRls(claimsFor(staffA), (tx) =>
          tx.execute(
            sql`insert into notices (development_id, title, body) values (${developmentB}, 'x', 'y')`,
          ),
        ),
      ),
    ).resolves.toBe('23503');
  });

  it('refuse a homeowner posting a notice', async () => {
    await expect(
      sqlState(
        database.withRls(claimsFor(homeownerA), (tx) =>
          tx.execute(
            sql`insert into notices (development_id, title, body) values (${homeownerA.developmentId}, 'x', 'y')`,
          ),
        ),
      ),
    ).resolves.toBe('42501');
  });

  it('refuse a homeowner opening a chat thread as someone else', async () => {
    await expect(
      sqlState(
        database.withRls(claimsFor(homeownerA), (tx) =>
          tx.execute(sql`insert into chat_threads (development_id, house_id, homeowner_id, subject)
          values (${neighbourA.developmentId}, ${neighbourA.houseId}, ${neighbourA.id}, 'x')`),
        ),
      ),
    ).resolves.toBe('42501');
  });

  it('refuse an assistant question stored under another house', async () => {
    await expect(
      sqlState(
        database.withRls(claimsFor(homeownerA), (tx) =>
          tx.execute(sql`insert into assistant_questions (development_id, house_id, question, answer, answered_by)
          values (${neighbourA.developmentId}, ${neighbourA.houseId}, 'q', 'a', 'none')`),
        ),
      ),
    ).resolves.toBe('42501');
  });

  it('refuse staff issuing an invite for another tenant’s house', async () => {
    await expect(
      sqlState(
        database.withRls(claimsFor(staffA), (tx) =>
          tx.execute(sql`insert into house_invites (development_id, house_id, code_hash, code_hint)
          values (${homeownerB.developmentId}, ${homeownerB.houseId}, 'x', 'ABCD')`),
        ),
      ),
    ).resolves.toBe('23503');
  });

  it('refuse an analytics event recorded in another development', async () => {
    await expect(
      sqlState(
        database.withRls(claimsFor(homeownerA), (tx) =>
          tx.execute(sql`insert into analytics_events (development_id, name) values (${developmentB}, 'x')`),
        ),
      ),
    ).resolves.toMatch(/^(42501|23503)$/);
  });

  it('change nothing when staff update another tenant’s profile', async () => {
    const result = await database.withRls(claimsFor(staffB), (tx) =>
      tx.execute(sql`update profiles set display_name = 'hijacked' where id = ${homeownerA.id}`),
    );
    expect(result.rowCount).toBe(0);
    const [row] = await testDb.adminQuery<{ display_name: string }>(
      `select display_name from profiles where id = $1`,
      [homeownerA.id],
    );
    expect(row!.display_name).not.toBe('hijacked');
  });
});

describe('without claims', () => {
  it('the login role itself can read no table', async () => {
    for (const table of TABLES) {
      await expect(sqlState(database.pool.query(`select * from ${table} limit 1`)), table).resolves.toBe(
        '42501',
      );
    }
  });
});
