import { afterAll, beforeAll, expect, it } from 'vitest';

import { seedAtScale, seedData } from '@openhouse/seed';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/** The medium data set, loaded once into a fresh clone of the seeded template (about half a minute). */

let testDb: TestDatabase;
let added: Record<string, number>;
const lines: string[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  added = await seedAtScale(testDb.adminUrl, 'medium', (line) => lines.push(line));
}, 180_000);
afterAll(() => testDb?.drop());

const count = async (sql: string, params?: unknown[]) =>
  Number((await testDb.adminQuery<{ n: string }>(sql, params))[0]!.n);

/** Row counts of every table the bulk load writes. */
async function tableCounts(): Promise<Record<string, number>> {
  const tables = Object.keys(added);
  const [row] = await testDb.adminQuery<Record<string, string>>(
    `select ${tables.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')}`,
  );
  return Object.fromEntries(tables.map((t) => [t, Number(row![t])]));
}

it('loads the medium sizes: people and places as totals, content as rows added', async () => {
  const seeded = seedData;
  expect(added).toMatchObject({
    tenants: 10 - seeded.tenants.length,
    developments: 20 - seeded.developments.length,
    houses: 1_000 - seeded.houses.length,
    house_invites: 1_000 - seeded.houses.length,
    notices: 100_000,
    documents: 5_000,
    document_passages: 50_000,
    chat_threads: 20_000,
    chat_messages: 200_000,
    analytics_events: 500_000,
    assistant_questions: 5_000,
  });
  // About 70% of the 880 new homeowners have started onboarding.
  expect(added.onboarding_progress).toBeGreaterThan(880 * 0.6);
  expect(added.onboarding_progress).toBeLessThan(880 * 0.8);

  const totals = await tableCounts();
  expect(totals).toMatchObject({ tenants: 10, developments: 20, houses: 1_000, house_invites: 1_000 });
  expect(totals.notices).toBe(100_000 + seeded.notices.length);
  expect(totals.documents).toBe(5_000 + seeded.documents.length);
  expect(await count(`select count(*) as n from profiles where app_role = 'homeowner'`)).toBe(1_000);
  // Two staff per tenant, as in the seed.
  expect(await count(`select count(*) as n from profiles where app_role = 'developer'`)).toBe(20);
  expect(
    await count(`select count(*) as n from tenants t where not exists
    (select 1 from developments d where d.tenant_id = t.tenant_id)`),
  ).toBe(0);
});

it('leaves no broken reference: every foreign key holds, though they were not checked while loading', async () => {
  const foreignKeys = await testDb.adminQuery<{
    name: string;
    child: string;
    parent: string;
    pairs: string[];
  }>(
    `select c.conname as name, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
       array(select format('%I.%I', 'x', ca.attname) || '=' || format('%I.%I', 'y', pa.attname)
             from unnest(c.conkey, c.confkey) k(child_col, parent_col)
             join pg_attribute ca on ca.attrelid = c.conrelid and ca.attnum = k.child_col
             join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = k.parent_col) as pairs
     from pg_constraint c
     where c.contype = 'f' and c.connamespace = 'public'::regnamespace`,
  );
  expect(foreignKeys.length).toBeGreaterThan(20);
  const broken: Record<string, number> = {};
  for (const fk of foreignKeys) {
    // MATCH SIMPLE: a row with a null in the key is not checked.
    const notNull = fk.pairs.map((pair) => `${pair.split('=')[0]} is not null`).join(' and ');
    const n = await count(
      `select count(*) as n from ${fk.child} x
       where ${notNull} and not exists (select 1 from ${fk.parent} y where ${fk.pairs.join(' and ')})`,
    );
    if (n > 0) broken[`${fk.child}.${fk.name}`] = n;
  }
  expect(broken).toEqual({});
});

it('keeps the rows consistent with each other beyond the foreign keys', async () => {
  const checks: Record<string, string> = {
    // A thread's homeowner lives in the thread's house; a message belongs to its thread's scope.
    threadHomeowner: `select count(*) as n from chat_threads t where not exists (select 1 from profiles p
      where p.id = t.homeowner_id and p.tenant_id = t.tenant_id and p.development_id = t.development_id
        and p.house_id = t.house_id and p.app_role = 'homeowner')`,
    messageScope: `select count(*) as n from chat_messages m where not exists (select 1 from chat_threads t
      where t.tenant_id = m.tenant_id and t.id = m.thread_id and t.development_id = m.development_id
        and t.homeowner_id = m.homeowner_id)`,
    messageAuthor: `select count(*) as n from chat_messages m where m.author_id <> m.homeowner_id
      and not exists (select 1 from profiles p where p.id = m.author_id and p.tenant_id = m.tenant_id
        and p.app_role = 'developer' and (p.development_id is null or p.development_id = m.development_id))`,
    threadLastMessage: `select count(*) as n from chat_threads t where t.last_message_at is distinct from
      (select max(m.created_at) from chat_messages m where m.tenant_id = t.tenant_id and m.thread_id = t.id)`,
    noticeAuthor: `select count(*) as n from notices n where not exists (select 1 from profiles p
      where p.id = n.author_id and p.tenant_id = n.tenant_id and p.app_role = 'developer')`,
    passageScope: `select count(*) as n from document_passages p join documents d on d.id = p.document_id
      where (p.tenant_id, p.development_id) <> (d.tenant_id, d.development_id)
        or p.house_id is distinct from d.house_id`,
    eventUser: `select count(*) as n from analytics_events e where not exists (select 1 from profiles p
      where p.id = e.user_id and p.tenant_id = e.tenant_id
        and (p.development_id is null or p.development_id = e.development_id))`,
    questionUser: `select count(*) as n from assistant_questions q where not exists (select 1 from profiles p
      where p.id = q.user_id and p.tenant_id = q.tenant_id and p.house_id = q.house_id)`,
    // A cited document is one the asking homeowner may read.
    questionCitation: `select count(*) as n from assistant_questions q
      where jsonb_array_length(q.citations) > 0 and not exists (select 1 from documents d
        where d.id = (q.citations -> 0 ->> 'documentId')::uuid and d.tenant_id = q.tenant_id
          and d.development_id = q.development_id and (d.house_id is null or d.house_id = q.house_id))`,
    onboardingUser: `select count(*) as n from onboarding_progress o where not exists (select 1 from profiles p
      where p.id = o.user_id and p.tenant_id = o.tenant_id and p.house_id = o.house_id)`,
    inviteUsedBy: `select count(*) as n from house_invites i where i.used_by is not null
      and not exists (select 1 from profiles p where p.id = i.used_by and p.house_id = i.house_id)`,
    // Shaped like the seed's ids (version 5, RFC variant), so that the API's z.uuid() accepts them.
    notRfcUuid: `select count(*) as n from (select tenant_id as id from tenants union all select id from developments
        union all select id from profiles union all select id from notices union all select id from documents
        union all select id from chat_threads) ids
      where id::text !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'`,
    inTheFuture: `select (select count(*) from notices where created_at > now())
      + (select count(*) from chat_messages where created_at > now())
      + (select count(*) from analytics_events where created_at > now()) as n`,
  };
  const failures: Record<string, number> = {};
  for (const [name, sql] of Object.entries(checks)) {
    const n = await count(sql);
    if (n > 0) failures[name] = n;
  }
  expect(failures).toEqual({});
});

it('makes the first seeded tenant the biggest, with tens of thousands of rows in its seeded developments', async () => {
  const byTenant = await testDb.adminQuery<{ tenant_id: string; n: string }>(
    `select tenant_id, count(*) as n from notices group by 1 order by 2 desc`,
  );
  const [first, second, third] = seedData.tenants.map((t) => t.tenantId);
  expect(byTenant[0]!.tenant_id).toBe(first);
  const rank = (id: string | undefined) => byTenant.findIndex((row) => row.tenant_id === id);
  expect(rank(second)).toBeGreaterThan(0);
  expect(rank(third)).toBeGreaterThan(rank(second));
  expect(Number(byTenant[0]!.n) / 100_000).toBeGreaterThan(0.25);

  // The seeded homeowners' own development: what tests and benchmarks sign in to.
  const development = seedData.developments[0]!.id;
  expect(
    await count(`select count(*) as n from notices where development_id = $1`, [development]),
  ).toBeGreaterThan(10_000);
  expect(
    await count(`select count(*) as n from analytics_events where development_id = $1`, [development]),
  ).toBeGreaterThan(50_000);
  const notices = await count(`select count(*) as n from notices where house_id is not null`);
  expect(notices / 100_000).toBeGreaterThan(0.2);
  expect(notices / 100_000).toBeLessThan(0.3);
});

it('builds the rollups when the database has them', async () => {
  const [rollups] = await testDb.adminQuery<{ exists: boolean }>(
    `select to_regprocedure('private.rebuild_rollups()') is not null
       and to_regclass('public.development_stats') is not null as exists`,
  );
  if (!rollups!.exists) return;
  expect(lines.some((line) => line.startsWith('private.rebuild_rollups()'))).toBe(true);
  expect(await count(`select coalesce(sum(notices), 0) as n from development_stats`)).toBe(
    await count(`select count(*) as n from notices`),
  );
});

it('does nothing the second time, and refuses another bulk scale', async () => {
  const before = await tableCounts();
  const again: string[] = [];
  expect(await seedAtScale(testDb.adminUrl, 'medium', (line) => again.push(line))).toEqual({});
  expect(again.at(-1)).toMatch(/already loaded/);
  expect(await tableCounts()).toEqual(before);
  await expect(seedAtScale(testDb.adminUrl, 'large')).rejects.toThrow(
    /already holds the medium data set; load large into a fresh database/,
  );
}, 60_000);
