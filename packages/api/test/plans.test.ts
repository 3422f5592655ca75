import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';
import { seedAtScale, type SeedUser } from '@openhouse/seed';

import { callerFor, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { claimsFor, seedUser } from '@openhouse/harness/identities';

/**
 * The plans Postgres really runs for every read procedure, at `medium` scale (about a tenth of a
 * production data set: ~100k notices, 200k chat messages, 500k analytics events, ten tenants with
 * the first seeded tenant the biggest), called through the real context, middleware and RLS as
 * each kind of caller. `auto_explain` (loaded for the test database's sessions, EXPLAIN ANALYZE
 * in JSON sent back to the client as a NOTICE) reports each statement the API sent. The rule:
 *
 *   1. no sequential scan of a large table;
 *   2. no scan reads more rows of a table than the caller's own scope holds (their tenant, and
 *      their development where they have one) — so nothing of other tenants or developments is read;
 *   3. a page of a list reads a bounded number of rows, whatever the size of the scope.
 *
 * A new policy or query that defeats an index fails here (see "At production volume" in
 * docs/PHASE_20.1_DB_POOLING.md for how to write one that does not).
 */

const LARGE_TABLES = new Set([
  'houses',
  'profiles',
  'notices',
  'documents',
  'document_passages',
  'chat_threads',
  'chat_messages',
  'onboarding_progress',
  'analytics_events',
  'analytics_daily',
  'analytics_people',
  'house_invites',
  'assistant_questions',
  'notice_reads',
]);

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const tenantStaff = seedUser('staff1@northfield.test');
const developmentStaff = seedUser('staff2@northfield.test'); // scoped to Meadow View

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}
interface ExplainedStatement {
  'Query Text': string;
  Plan: PlanNode;
}
interface ScanRead {
  relation: string;
  nodeType: string;
  /** Rows the scan looked at: those it returned plus those its filters threw away, over all loops. */
  rowsRead: number;
  /** EXPLAIN rounds per-loop averages: the product may overshoot by up to one row per loop. */
  loops: number;
}

let testDb: TestDatabase;
let database: Database;
const explained: ExplainedStatement[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  await seedAtScale(testDb.adminUrl, 'medium');
  // Unread markers: the probed homeowner has opened every other notice they can see, and other
  // homeowners of the development the newest thousand, so the per-notice lookup meets real rows.
  await testDb.adminQuery(
    `insert into notice_reads (tenant_id, user_id, notice_id)
     select n.tenant_id, $3::uuid, n.id from notices n
     where n.tenant_id = $1 and n.development_id = $2 and (n.house_id is null or n.house_id = $4)
       and hashtext(n.id::text) % 2 = 0`,
    [homeowner.tenantId, homeowner.developmentId, homeowner.id, homeowner.houseId],
  );
  await testDb.adminQuery(
    `insert into notice_reads (tenant_id, user_id, notice_id)
     select n.tenant_id, p.id, n.id
     from (select * from profiles where tenant_id = $1 and development_id = $2 and app_role = 'homeowner'
           and id <> $3 limit 20) p
     cross join lateral (select * from notices where tenant_id = $1 and development_id = $2 and house_id is null
           order by created_at desc limit 1000) n`,
    [homeowner.tenantId, homeowner.developmentId, homeowner.id],
  );
  // Staff withdraw a few documents (about 2 %) of the tenant.
  await testDb.adminQuery(
    `update documents set withdrawn_at = now() where tenant_id = $1 and hashtext(id::text) % 50 = 0`,
    [homeowner.tenantId],
  );
  await testDb.adminQuery(`analyze notice_reads, documents, document_passages`);
  // Every new session of this database explains each statement it runs and sends the plan back
  // to the client as a NOTICE (so the test reads plans without access to the server's log).
  for (const setting of [
    `session_preload_libraries = 'auto_explain'`,
    `auto_explain.log_min_duration = 0`,
    `auto_explain.log_analyze = on`,
    `auto_explain.log_timing = off`,
    `auto_explain.log_format = json`,
    `auto_explain.log_level = notice`,
  ]) {
    await testDb.adminQuery(`alter database ${testDb.name} set ${setting}`);
  }
  database = testDb.connect({ DB_POOL_MAX: '1' });
  database.pool.on('connect', (client: pg.PoolClient) => {
    client.on('notice', (notice) => {
      const text = notice.message ?? '';
      const json = text.indexOf('{');
      if (json >= 0 && text.includes('"Plan"')) {
        explained.push(JSON.parse(text.slice(json)) as ExplainedStatement);
      }
    });
  });
}, 300_000);
afterAll(() => testDb?.drop());

function scansOf(node: PlanNode, into: ScanRead[] = []): ScanRead[] {
  if (node['Relation Name']) {
    const loops = node['Actual Loops'] ?? 1;
    const rowsRead =
      ((node['Actual Rows'] ?? 0) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0)) *
      loops;
    into.push({ relation: node['Relation Name'], nodeType: node['Node Type'], rowsRead, loops });
  }
  for (const child of node.Plans ?? []) scansOf(child, into);
  return into;
}

/** Runs `call` and returns the scans of every statement it sent (the RLS prelude has none). */
async function scansDuring(call: () => Promise<unknown>): Promise<{ query: string; scans: ScanRead[] }[]> {
  explained.length = 0;
  await call();
  return explained
    .map((statement) => ({ query: statement['Query Text'], scans: scansOf(statement.Plan) }))
    .filter((statement) => statement.scans.length > 0);
}

/** How many rows of `table` lie inside the caller's scope: the most any of their scans may read. */
async function scopeRows(user: SeedUser, table: string): Promise<number> {
  const columns = await testDb.adminQuery<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1`,
    [table],
  );
  const has = (name: string) => columns.some((column) => column.column_name === name);
  const conditions = ['tenant_id = $1'];
  const params: unknown[] = [user.tenantId];
  if (user.developmentId && has('development_id')) {
    conditions.push('development_id = $2');
    params.push(user.developmentId);
  } else if (user.developmentId && table === 'developments') {
    conditions.push('id = $2');
    params.push(user.developmentId);
  }
  const [row] = await testDb.adminQuery<{ n: number }>(
    `select count(*)::int as n from ${table} where ${conditions.join(' and ')}`,
    params,
  );
  return row!.n;
}

/** How many rows of `table` the caller can see: a page may read them all when there are few. */
async function visibleRows(user: SeedUser, table: string): Promise<number> {
  const [row] = await database.withRls(claimsFor(user), async (tx) => {
    const result = await tx.execute(sql.raw(`select count(*)::int as n from ${table}`));
    return result.rows as { n: number }[];
  });
  return row!.n;
}

async function expectScoped(
  user: SeedUser,
  call: () => Promise<unknown>,
  page?: { table: string; maxRows: number },
) {
  const statements = await scansDuring(call);
  expect(statements.length, 'auto_explain reported the statements').toBeGreaterThan(0);
  for (const { query, scans } of statements) {
    for (const scan of scans) {
      const where = `${scan.nodeType} on ${scan.relation} in: ${query}`;
      // Tenants, developments and their counters hold a row per development, not per event or
      // notice: the planner may read them whole, and they stay small at any data volume.
      if (!LARGE_TABLES.has(scan.relation)) continue;
      expect(scan.nodeType, where).not.toBe('Seq Scan');
      const scope = await scopeRows(user, scan.relation);
      expect(scan.rowsRead, `rows read by ${where}`).toBeLessThanOrEqual(scope + scan.loops);
      if (page && scan.relation === page.table) {
        const bound = Math.max(page.maxRows, await visibleRows(user, page.table));
        expect(scan.rowsRead, `rows read for one page by ${where}`).toBeLessThanOrEqual(bound + scan.loops);
      }
    }
  }
  return statements;
}

const as = async (user: SeedUser) => callerFor(database, await tokenFor(user));
const callers = [
  ['a homeowner', homeowner],
  ['tenant-wide staff', tenantStaff],
  ['one-development staff', developmentStaff],
] as const;
// A page of 20: the index returns rows in order; what RLS filters away (another house's notice)
// is a fraction, so a few times the page is plenty.
const PAGE = 20;
const PAGE_ROWS = 5 * (PAGE + 1);

describe('at medium scale the data set is big enough to matter', () => {
  it('has far more rows in the probed tenant than a page, and other tenants beside it', async () => {
    const [counts] = await testDb.adminQuery<{ notices: number; tenants: number; mine: number }>(
      `select (select count(*)::int from notices) as notices,
              (select count(*)::int from tenants) as tenants,
              (select count(*)::int from notices where development_id = $1) as mine`,
      [homeowner.developmentId],
    );
    expect(counts!.notices).toBeGreaterThanOrEqual(90_000);
    expect(counts!.tenants).toBeGreaterThanOrEqual(10);
    expect(counts!.mine).toBeGreaterThan(50 * PAGE_ROWS);
  });
});

describe.each(callers)('as %s, every read uses an index inside the caller’s scope', (_label, user) => {
  it('noticeboard.list, first and second page', async () => {
    const caller = await as(user);
    let cursor: string | null = null;
    await expectScoped(
      user,
      async () => {
        const page = await caller.noticeboard.list({ limit: PAGE });
        expect(page.items).toHaveLength(PAGE);
        cursor = page.nextCursor;
      },
      { table: 'notices', maxRows: PAGE_ROWS },
    );
    await expectScoped(user, () => caller.noticeboard.list({ limit: PAGE, cursor }), {
      table: 'notices',
      maxRows: PAGE_ROWS,
    });
  });

  it('documents.list and documents.get', async () => {
    const caller = await as(user);
    let id = '';
    await expectScoped(
      user,
      async () => {
        const page = await caller.documents.list({ limit: PAGE });
        expect(page.items.length).toBeGreaterThan(0);
        id = page.items[0]!.id;
      },
      { table: 'documents', maxRows: PAGE_ROWS },
    );
    await expectScoped(user, async () => {
      const document = await caller.documents.get({ id });
      expect(document.passages.length).toBeGreaterThan(0);
    });
  });

  it('chat.threads and chat.history', async () => {
    const caller = await as(user);
    let threadId = '';
    await expectScoped(
      user,
      async () => {
        const page = await caller.chat.threads({ limit: PAGE });
        expect(page.items.length).toBeGreaterThan(0);
        threadId = page.items[0]!.id;
      },
      { table: 'chat_threads', maxRows: PAGE_ROWS },
    );
    await expectScoped(
      user,
      async () => {
        const history = await caller.chat.history({ threadId, limit: PAGE });
        expect(history.items.length).toBeGreaterThan(0);
      },
      { table: 'chat_messages', maxRows: PAGE_ROWS },
    );
  });

  it('noticeboard.list filtered, searched, and the page before a cursor', async () => {
    const caller = await as(user);
    // Narrowed to one development and to house-targeted notices: still a bounded page.
    await expectScoped(
      user,
      () =>
        caller.noticeboard.list({
          limit: PAGE,
          developmentId: homeowner.developmentId!,
          audience: 'development',
        }),
      { table: 'notices', maxRows: PAGE_ROWS },
    );
    // A search reads inside the caller's scope only (never an unanchored scan of the table).
    await expectScoped(user, async () => {
      await caller.noticeboard.list({ limit: PAGE, q: 'snagging visit' });
    });
    // The second page and the cursor of the page before it: two bounded reads.
    const first = await caller.noticeboard.list({ limit: PAGE });
    await expectScoped(
      user,
      async () => {
        const second = await caller.noticeboard.list({ limit: PAGE, cursor: first.nextCursor });
        expect(second.previousCursor).toBeNull();
      },
      { table: 'notices', maxRows: PAGE_ROWS },
    );
  });

  it('documents.list searched and filtered by audience', async () => {
    const caller = await as(user);
    await expectScoped(user, () =>
      caller.documents.list({ limit: PAGE, audience: 'development', category: 'warranty' }),
    );
    await expectScoped(user, () => caller.documents.list({ limit: PAGE, q: 'heating guide' }));
  });

  it('developments.list', async () => {
    const caller = await as(user);
    await expectScoped(user, async () => {
      expect((await caller.developments.list()).length).toBeGreaterThan(0);
    });
  });
});

describe('homeowner-only reads', () => {
  it('assistant.ask retrieves inside the development before ranking', async () => {
    const caller = await as(homeowner);
    await expectScoped(homeowner, async () => {
      const answer = await caller.assistant.ask({ question: 'Which day are the bins collected?' });
      expect(answer.citations.length).toBeGreaterThan(0);
    });
    // Two questions, synonyms and common words: each part is matched and ranked inside the scope.
    await expectScoped(homeowner, async () => {
      await caller.assistant.ask({
        question:
          'Is a crack in the wall covered by the warranty, and how do I report a problem with my home?',
      });
    });
  });

  it('noticeboard.markRead marks a page by key', async () => {
    const caller = await as(homeowner);
    const page = await caller.noticeboard.list({ limit: PAGE });
    await expectScoped(homeowner, async () => {
      const { read } = await caller.noticeboard.markRead({ ids: page.items.map((n) => n.id) });
      expect(read).toHaveLength(PAGE);
    });
  });

  it('assistant.history and onboarding.status', async () => {
    const caller = await as(homeowner);
    await expectScoped(homeowner, () => caller.assistant.history());
    await expectScoped(homeowner, async () => {
      expect((await caller.onboarding.status()).keyDocuments.length).toBeGreaterThan(0);
    });
  });
});

describe.each([callers[1], callers[2]])('staff-only reads as %s', (_label, user) => {
  it('developments.houses and invites.list', async () => {
    const caller = await as(user);
    const developmentId = homeowner.developmentId!;
    await expectScoped(user, async () => {
      expect((await caller.developments.houses({ developmentId })).length).toBeGreaterThan(0);
    });
    await expectScoped(user, async () => {
      expect((await caller.invites.list({ houseId: homeowner.houseId! })).length).toBeGreaterThan(0);
    });
  });

  it('documents.list of the withdrawn documents reads a page of them, not the scope', async () => {
    const caller = await as(user);
    await expectScoped(
      user,
      async () => {
        const page = await caller.documents.list({ limit: PAGE, status: 'withdrawn' });
        expect(page.items.length).toBeGreaterThan(0);
      },
      { table: 'documents', maxRows: PAGE_ROWS },
    );
  });

  it('assistant.unanswered, for the tenant and for one development', async () => {
    const caller = await as(user);
    await expectScoped(user, () => caller.assistant.unanswered({ days: 30, limit: PAGE }));
    await expectScoped(user, () =>
      caller.assistant.unanswered({ days: 365, limit: PAGE, developmentId: homeowner.developmentId! }),
    );
  });

  it('analytics.summary over 30 and 365 days reads rollups, not events', async () => {
    const caller = await as(user);
    for (const days of [30, 365]) {
      const statements = await expectScoped(user, async () => {
        const summary = await caller.analytics.summary({ days });
        expect(summary.totals.events).toBeGreaterThan(1000);
        expect(summary.noticeReach.length).toBeGreaterThan(0);
      });
      const relations = statements.flatMap((statement) => statement.scans.map((scan) => scan.relation));
      expect(relations).not.toContain('analytics_events');
      expect(relations).not.toContain('notices');
    }
  });
});
