import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Claims } from '@openhouse/auth';
import { withAdminClient } from '@openhouse/db/admin';
import { seedData, stableUuid, type SeedNotice, type SeedUser } from '@openhouse/db/seed-data';

import { claimsFor } from '../test/support/identities';

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

/**
 * The statement `withRls` sends after BEGIN: role, claims and statement timeout in one select
 * (`$1` claims JSON, `$2` timeout). Read from packages/db/src/rls.ts rather than copied, so the
 * shared-client baseline (a) and the pgbench script (e) always run exactly what (d) runs.
 */
export const RLS_PRELUDE = readRlsPrelude();

function readRlsPrelude(): string {
  const file = path.resolve(import.meta.dirname, '../packages/db/src/rls.ts');
  const match = /const PRELUDE\s*=\s*`([^`]+)`/.exec(readFileSync(file, 'utf8'));
  if (!match || !match[1]!.includes('$1')) {
    throw new Error(`bench: could not find the PRELUDE statement in ${file}; update bench/workload.ts`);
  }
  return match[1]!;
}

/**
 * A SQL string literal, for the two places that inline claims as text the way their originals
 * do ((c) Drizzle's example, (e)'s verification). standard_conforming_strings is on (the default
 * since Postgres 9.1), so only the quote needs doubling.
 */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The statement timeout every RLS way sets, as the app's default does. */
export const STATEMENT_TIMEOUT_MS = 10_000;

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
// Verification: computed here from the data, independently of SQL and of the policies.

const ALL_NOTICES = [...seedData.notices, ...BENCH_NOTICES];

const newestFirst = (a: SeedNotice, b: SeedNotice) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The ids a homeowner must get, newest first, by the policy's rule applied in JavaScript. */
export function expectedNoticeIds(homeowner: BenchHomeowner): string[] {
  const { user } = homeowner;
  return ALL_NOTICES.filter(
    (notice) =>
      notice.tenantId === user.tenantId &&
      notice.developmentId === user.developmentId &&
      (notice.houseId === null || notice.houseId === user.houseId),
  )
    .sort(newestFirst)
    .slice(0, NOTICE_LIMIT)
    .map((notice) => notice.id);
}

/** The table's newest 20 regardless of who asks: a way returning these is not filtering at all. */
export function unfilteredNoticeIds(): string[] {
  return [...ALL_NOTICES]
    .sort(newestFirst)
    .slice(0, NOTICE_LIMIT)
    .map((notice) => notice.id);
}

/**
 * Throws unless `rows` are exactly the homeowner's 20 newest notices, in order, and each of them
 * is one the homeowner may see (their development; for everyone or for their own house).
 */
export function checkRows(way: string, homeowner: BenchHomeowner, rows: Pick<NoticeRow, 'id'>[]): void {
  const { user } = homeowner;
  const expected = expectedNoticeIds(homeowner);
  const got = rows.map((row) => row.id);
  const fail = (why: string) => {
    throw new Error(`bench: way ${way} returned the wrong rows for ${homeowner.label}: ${why}`);
  };
  if (expected.length !== NOTICE_LIMIT) fail(`the data gives only ${expected.length} visible notices`);
  const byId = new Map(ALL_NOTICES.map((notice) => [notice.id, notice]));
  for (const id of got) {
    const notice = byId.get(id);
    if (!notice) fail(`unknown notice ${id}`);
    if (notice!.developmentId !== user.developmentId || (notice!.houseId ?? user.houseId) !== user.houseId) {
      fail(`notice ${id} ("${notice!.title}") belongs to another development or house`);
    }
  }
  if (got.length !== expected.length) fail(`${got.length} rows instead of ${expected.length}`);
  const firstDifference = got.findIndex((id, index) => id !== expected[index]);
  if (firstDifference >= 0)
    fail(`row ${firstDifference + 1} is ${got[firstDifference]}, expected ${expected[firstDifference]}`);
}
