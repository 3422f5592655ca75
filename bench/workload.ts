import type { Claims } from '@openhouse/auth';
import { withAdminClient } from '@openhouse/db/admin';
import { PRELUDE, preludeParams } from '@openhouse/db/rls';
import { seedData, stableUuid, type SeedNotice, type SeedUser } from '@openhouse/seed';
import { claimsFor } from '@openhouse/harness/identities';

/**
 * The one read every way performs: a homeowner's 20 newest notices. What a homeowner may see is
 * decided by the `notices_homeowner_read` policy: their development's notices for everyone
 * (house_id null) and the ones addressed to their own house.
 */

export const NOTICE_LIMIT = 20;

/** Identical text for every RLS-scoped way, so the ways differ in connection handling only. */
export const READ_SQL = `select id, development_id, house_id, title, body, created_at
from notices
order by created_at desc, id desc
limit ${NOTICE_LIMIT}`;

/**
 * Way (b): the same read with the policy written out as a WHERE clause, run as the owner — no
 * RLS, no role switch, no transaction. Correct only as long as every caller remembers the WHERE.
 */
export const UNSAFE_READ_SQL = `select id, development_id, house_id, title, body, created_at
from notices
where tenant_id = $1 and development_id = $2 and (house_id is null or house_id = $3)
order by created_at desc, id desc
limit ${NOTICE_LIMIT}`;

export interface NoticeRow {
  id: string;
  development_id: string;
  house_id: string | null;
  title: string;
  body: string;
  created_at: Date;
}

/** The statement timeout every RLS way sets, as the app's default does. */
export const STATEMENT_TIMEOUT_MS = 10_000;

/**
 * The statement `withRls` sends after BEGIN — request role, claims and statement timeout in one
 * select — and its parameters, imported from packages/db rather than copied, so that the
 * shared-client baseline (a) and the pgbench script (e) always send exactly what (d) sends.
 */
export const RLS_PRELUDE = PRELUDE;

/** The prelude's parameters for one homeowner, in `$n` order, as `withRls` computes them. */
export function rlsPreludeParams(homeowner: BenchHomeowner): string[] {
  return preludeParams(homeowner.claims, STATEMENT_TIMEOUT_MS);
}

/**
 * A SQL string literal, for the two places that inline claims as text the way their originals
 * do ((c) Drizzle's example, (e)'s verification). standard_conforming_strings is on (the default
 * since Postgres 9.1), so only the quote needs doubling.
 */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export interface BenchHomeowner {
  user: SeedUser;
  /** As the verifier would produce them; every way serialises them per request, as the app does. */
  claims: Claims;
  /** The homeowner's email, for messages. */
  label: string;
}

/**
 * One homeowner per development — three tenants, six developments, different plots — so that
 * callers rotate through different claims, plans see different parameters, and a leak between
 * identities would show up as a wrong row.
 */
export function benchHomeowners(): BenchHomeowner[] {
  return seedData.developments.map((development, index) => {
    const plot = ((index * 3) % 20) + 1;
    const user = seedData.users.find(
      (candidate) =>
        candidate.appRole === 'homeowner' &&
        candidate.developmentId === development.id &&
        seedData.houses.find((house) => house.id === candidate.houseId)?.plotNumber === plot,
    );
    if (!user) throw new Error(`bench: no seeded homeowner for plot ${plot} of ${development.slug}`);
    return { user, claims: claimsFor(user), label: user.email };
  });
}

// ---------------------------------------------------------------------------------------------
// The bench's extra notices. The seed has 4 development-wide notices and 5 house notices per
// development: fewer than 20. The bench adds, per development, 240 notices in a fixed rotation —
// one for each of the 20 houses, then 4 for everyone — so every homeowner has ~50 visible notices
// among ~250, and their newest 20 are interleaved with other houses' notices that RLS must hide.

const NOTICES_PER_DEVELOPMENT = 240;
const ROTATION = 24; // 20 houses, then 4 development-wide
const BENCH_NOTICES_FROM = Date.UTC(2026, 9, 1, 8, 0, 0);

function benchNotices(): SeedNotice[] {
  const notices: SeedNotice[] = [];
  let minute = 0;
  // Developments interleaved in time, so no development's notices are all older than another's.
  for (let index = 0; index < NOTICES_PER_DEVELOPMENT; index++) {
    for (const development of seedData.developments) {
      const slot = index % ROTATION;
      const house =
        slot < 20
          ? seedData.houses.find((h) => h.developmentId === development.id && h.plotNumber === slot + 1)!
          : undefined;
      const author = seedData.users.find(
        (user) => user.appRole === 'developer' && user.tenantId === development.tenantId,
      )!;
      notices.push({
        id: stableUuid(`bench-notice:${development.id}:${index}`),
        tenantId: development.tenantId,
        developmentId: development.id,
        houseId: house?.id ?? null,
        authorId: author.id,
        title: house ? `Site update ${index} for plot ${house.plotNumber}` : `Site update ${index}`,
        body: `Bench notice ${index} at ${development.name}: works this week, deliveries and access.`,
        createdAt: new Date(BENCH_NOTICES_FROM + minute++ * 60_000),
      });
    }
  }
  return notices;
}

const BENCH_NOTICES = benchNotices();

/** Inserts the bench's notices as the owner (RLS does not apply to a superuser); returns how many. */
export async function insertBenchNotices(adminUrl: string): Promise<number> {
  const column = <K extends keyof SeedNotice>(key: K) => BENCH_NOTICES.map((notice) => notice[key]);
  return withAdminClient(adminUrl, async (client) => {
    const { rowCount } = await client.query(
      `insert into notices (id, tenant_id, development_id, house_id, author_id, title, body, created_at)
       select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::timestamptz[])`,
      [
        column('id'),
        column('tenantId'),
        column('developmentId'),
        column('houseId'),
        column('authorId'),
        column('title'),
        column('body'),
        column('createdAt'),
      ],
    );
    return rowCount ?? 0;
  });
}

// ---------------------------------------------------------------------------------------------
// Verification. At small scale the expected rows are computed here from the seed data,
// independently of SQL and of the policies. At medium and large scale the data comes from
// `seedAtScale`'s bulk generator, so they are read from the database as the owner with the
// policy written out as a WHERE clause (UNSAFE_READ_SQL, no RLS involved).

const ALL_NOTICES = [...seedData.notices, ...BENCH_NOTICES];

const newestFirst = (a: SeedNotice, b: SeedNotice) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** What the check needs to know about a notice to say why a row is wrong. */
interface NoticeFacts {
  developmentId: string;
  houseId: string | null;
  title: string;
}

/** Each homeowner's 20 newest visible notices at one scale, and the check every way must pass. */
export class ExpectedRows {
  constructor(
    /** How the expectation was computed, for the report. */
    readonly source: string,
    private readonly idsByUser: Map<string, string[]>,
    private readonly known: Map<string, NoticeFacts>,
    /** How many notices each homeowner may see in all (their development's, for all or for their house). */
    readonly visibleByUser: Map<string, number>,
  ) {}

  /** The ids a homeowner must get, newest first. */
  ids(homeowner: BenchHomeowner): string[] {
    return this.idsByUser.get(homeowner.user.id) ?? [];
  }

  /**
   * Throws unless `rows` are exactly the homeowner's 20 newest notices, in order, and each of
   * them is one the homeowner may see (their development; for everyone or for their own house).
   */
  check(way: string, homeowner: BenchHomeowner, rows: RowLike[]): void {
    const { user } = homeowner;
    const expected = this.ids(homeowner);
    const fail = (why: string) => {
      throw new Error(`bench: way ${way} returned the wrong rows for ${homeowner.label}: ${why}`);
    };
    if (expected.length !== NOTICE_LIMIT) fail(`the data gives only ${expected.length} visible notices`);
    for (const row of rows) {
      // A row outside the expectation is described by what the way itself returned, when it says.
      const notice = this.known.get(row.id) ?? factsOf(row);
      if (!notice) fail(`unknown notice ${row.id}`);
      if (
        notice!.developmentId !== user.developmentId ||
        (notice!.houseId ?? user.houseId) !== user.houseId
      ) {
        fail(`notice ${row.id} ("${notice!.title}") belongs to another development or house`);
      }
    }
    const got = rows.map((row) => row.id);
    if (got.length !== expected.length) fail(`${got.length} rows instead of ${expected.length}`);
    const firstDifference = got.findIndex((id, index) => id !== expected[index]);
    if (firstDifference >= 0)
      fail(`row ${firstDifference + 1} is ${got[firstDifference]}, expected ${expected[firstDifference]}`);
  }
}

/** A returned row: SQL ways give snake_case columns, the procedure camelCase fields. */
type RowLike = { id: string };

function factsOf(row: RowLike): NoticeFacts | undefined {
  const fields = row as Record<string, unknown>;
  const developmentId = fields.development_id ?? fields.developmentId;
  const houseId = fields.house_id ?? fields.houseId ?? null;
  if (typeof developmentId !== 'string') return undefined;
  return {
    developmentId,
    houseId: typeof houseId === 'string' ? houseId : null,
    title: String(fields.title),
  };
}

const isVisibleTo = (user: SeedUser) => (notice: SeedNotice) =>
  notice.tenantId === user.tenantId &&
  notice.developmentId === user.developmentId &&
  (notice.houseId === null || notice.houseId === user.houseId);

/** Small scale: the seed's notices and the bench's, filtered by the policy's rule in JavaScript. */
export function expectedFromSeed(homeowners: BenchHomeowner[]): ExpectedRows {
  const ids = new Map<string, string[]>();
  const visible = new Map<string, number>();
  for (const { user } of homeowners) {
    const mine = ALL_NOTICES.filter(isVisibleTo(user)).sort(newestFirst);
    ids.set(
      user.id,
      mine.slice(0, NOTICE_LIMIT).map((notice) => notice.id),
    );
    visible.set(user.id, mine.length);
  }
  return new ExpectedRows(
    'computed from the seed data in JavaScript',
    ids,
    new Map(ALL_NOTICES.map((notice) => [notice.id, notice])),
    visible,
  );
}

/** Medium/large scale: the explicit-WHERE read (UNSAFE_READ_SQL) as the owner, and a count. */
export async function expectedFromDatabase(
  adminUrl: string,
  homeowners: BenchHomeowner[],
): Promise<ExpectedRows> {
  const ids = new Map<string, string[]>();
  const visible = new Map<string, number>();
  const known = new Map<string, NoticeFacts>();
  await withAdminClient(adminUrl, async (client) => {
    for (const { user } of homeowners) {
      const params = [user.tenantId, user.developmentId, user.houseId];
      const { rows } = await client.query<NoticeRow>(UNSAFE_READ_SQL, params);
      ids.set(
        user.id,
        rows.map((row) => row.id),
      );
      for (const row of rows) {
        known.set(row.id, { developmentId: row.development_id, houseId: row.house_id, title: row.title });
      }
      const { rows: count } = await client.query<{ n: number }>(
        `select count(*)::int as n from notices
         where tenant_id = $1 and development_id = $2 and (house_id is null or house_id = $3)`,
        params,
      );
      visible.set(user.id, count[0]!.n);
    }
  });
  return new ExpectedRows('read from the database as the owner (explicit WHERE)', ids, known, visible);
}
