import { TRPCError } from '@trpc/server';
import {
  and,
  asc,
  eq,
  gt,
  gte,
  isNotNull,
  isNull,
  or,
  sql,
  type AnyColumn,
  type SQL,
  type SQLWrapper,
} from 'drizzle-orm';

import type { Claims } from '@openhouse/auth';
import { z } from 'zod';

import { preparedFor, schema, type Db } from '@openhouse/db';

import { decodeCursor, encodeCursor, newestFirst, pageInput, rowsAfter, toPage } from '../pagination';
import { developerProcedure, homeownerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { developments, houses, notices } = schema;

/** The most notices marked read in one call: a page of the noticeboard is at most 50. */
export const MAX_MARK_READ = 100;

/**
 * Whether the homeowner has not opened the notice: one primary-key lookup per listed notice, in
 * their own reads (RLS lets them see no one else's). The caller's tenant and id are repeated from
 * the claims so that the lookup is an index probe on (tenant_id, user_id, notice_id). Staff have
 * no reads: for them nothing is unread (`false`, no `reader`).
 */
function unreadColumn(reader: { tenantId: SQLWrapper; userId: SQLWrapper } | undefined) {
  if (!reader) return sql<boolean>`false`;
  // A scalar subquery, not `not exists`: Postgres may run an EXISTS as one hashed scan of all the
  // homeowner's reads (tens of thousands) where a page needs twenty probes; a scalar one it cannot.
  // Spelled out: Drizzle leaves a one-table select's columns unqualified (see audienceColumns).
  return sql<boolean>`(select true from notice_reads r
    where r.tenant_id = ${reader.tenantId}::uuid and r.user_id = ${reader.userId}::uuid
      and r.notice_id = notices.id) is null`;
}

/**
 * The noticeboard. Lists are filtered inside the caller's scope (RLS decides the rows; the
 * filters only narrow them), newest first, in pages whose cursors the portals keep in the URL.
 */

/** Filters shared by the noticeboard and the documents list. */
export const listFilters = {
  developmentId: z.uuid('choose a development').optional(),
  /** `development`: sent to every home; `house`: sent to one home (`houseId` narrows to which). */
  audience: z.enum(['all', 'development', 'house']).default('all'),
  houseId: z.uuid('choose a home').optional(),
  q: z.string().trim().max(100, 'search for at most 100 characters').optional(),
};

/**
 * The words of a search as a prefix tsquery: `bin coll` finds "Bin collection day". Only
 * letters and digits reach to_tsquery, so nothing a person types can be a syntax error.
 */
export function searchQuery(text: string | undefined): string | null {
  const words = (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, 8)
    .map((word) => `${word}:*`)
    .join(' & ');
}

export interface ScopeColumns {
  tenantId: AnyColumn;
  developmentId: AnyColumn;
  houseId: AnyColumn;
}

/**
 * The WHERE conditions of the filters. The caller's scope is repeated from the claims although RLS
 * already enforces it: the policies compare with per-statement InitPlan values the planner cannot
 * see, so it would guess a scope of a hundred rows and, for a search, filter a development of
 * fifty thousand notices row by row (about a second at the large data set) where, knowing the
 * scope's size, it walks the index newest first and stops at a page (about 10 ms). RLS stays the
 * guard; these only inform the plan.
 */
export function filterConditions(
  table: ScopeColumns,
  claims: { tenant_id: string | SQLWrapper; development_id?: string | SQLWrapper },
  input: {
    developmentId?: string | SQLWrapper;
    audience: 'all' | 'development' | 'house';
    houseId?: string | SQLWrapper;
  },
  search: SQL | undefined,
): (SQL | undefined)[] {
  return [
    eq(table.tenantId, claims.tenant_id),
    claims.development_id ? eq(table.developmentId, claims.development_id) : undefined,
    input.developmentId ? eq(table.developmentId, input.developmentId) : undefined,
    input.audience === 'development' ? isNull(table.houseId) : undefined,
    input.audience === 'house' ? isNotNull(table.houseId) : undefined,
    input.houseId ? eq(table.houseId, input.houseId) : undefined,
    search,
  ];
}

/**
 * The cursor of the page before the one that starts after `cursor`, for a "Newer" link: the
 * `limit` rows from the cursor's row upwards, read in ascending order on the same index.
 * `null` when that page is the first (no cursor).
 */
export async function previousCursor(
  db: Db,
  table: typeof notices | typeof schema.documents,
  cursor: string | null | undefined,
  limit: number,
  conditions: (SQL | undefined)[],
): Promise<string | null | undefined> {
  if (!cursor) return undefined;
  // The cursor was checked by the page's own query (`keyset`) already.
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso!);
  // The cursor's row and newer ones, as conditions the (…, created_at, id) indexes can start from.
  const newer = await db
    .select({ createdAt: table.createdAt, id: table.id })
    .from(table)
    .where(and(gte(table.createdAt, at), or(gt(table.createdAt, at), gte(table.id, id!)), ...conditions))
    .orderBy(asc(table.createdAt), asc(table.id))
    .limit(limit + 1);
  const boundary = newer[limit];
  return boundary ? encodeCursor(boundary) : null;
}

/** Who an item went to: a development's every home, or one home in it. */
export const audienceColumns = (table: 'notices' | 'documents') => ({
  // Spelled out: Drizzle leaves columns unqualified in a one-table select, and these correlated
  // subqueries must mean the outer row. Each reads one row by primary key.
  developmentName: sql<string>`(select d.name from developments d
    where d.tenant_id = ${sql.raw(table)}.tenant_id and d.id = ${sql.raw(table)}.development_id)`,
  house: sql<{ plotNumber: number; address: string } | null>`(select json_build_object(
      'plotNumber', h.plot_number, 'address', h.address) from houses h
    where h.tenant_id = ${sql.raw(table)}.tenant_id and h.id = ${sql.raw(table)}.house_id)`,
});

/**
 * Checks that the home an item is sent to is in the chosen development, and says who it reaches.
 * RLS decides which developments and houses exist for the caller: another tenant's are not found.
 */
export async function resolveAudience(
  db: Db,
  claims: Claims,
  developmentId: string,
  houseId: string | null | undefined,
) {
  // Staff of one development see no other: say so rather than "not found".
  if (claims.development_id && claims.development_id !== developmentId) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'developmentId: your account can only publish to its own development',
    });
  }
  const [development] = await db
    .select({
      id: developments.id,
      name: developments.name,
      homes: sql<number>`(select count(*)::int from houses h
        where h.tenant_id = developments.tenant_id and h.development_id = developments.id)`,
    })
    .from(developments)
    .where(eq(developments.id, developmentId));
  if (!development) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'developmentId: not found' });
  }
  if (!houseId) return { developmentName: development.name, homes: development.homes, house: null };
  const [house] = await db
    .select({ developmentId: houses.developmentId, plotNumber: houses.plotNumber, address: houses.address })
    .from(houses)
    .where(eq(houses.id, houseId));
  if (!house) throw new TRPCError({ code: 'NOT_FOUND', message: 'houseId: not found' });
  if (house.developmentId !== developmentId) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `houseId: plot ${house.plotNumber} is not in ${development.name}`,
    });
  }
  return {
    developmentName: development.name,
    homes: 1,
    house: { plotNumber: house.plotNumber, address: house.address },
  };
}

/** Notices whose title or message has every word of a search (`searchQuery`'s tsquery). */
const noticeSearch = (words: string | SQLWrapper) =>
  sql`to_tsvector('english', ${notices.title} || ' ' || ${notices.body}) @@ to_tsquery('english', ${words})`;

export const noticeboardRouter = router({
  /**
   * Newest first. RLS decides what is visible: a homeowner gets their development's notices and
   * their own house's; staff their tenant's (one development when scoped). The filters narrow
   * that; a search matches words of the title and message by prefix.
   */
  list: protectedProcedure
    .input(z.object({ ...pageInput, ...listFilters }).default({ limit: 20, audience: 'all' }))
    .query(async ({ ctx, input }) => {
      const { claims } = ctx;
      const cursor = input.cursor ? decodeCursor(input.cursor) : undefined;
      // Every value of the page's query; the SQL has a placeholder for each one present.
      const values = {
        tenantId: claims.tenant_id,
        userId: claims.app_role === 'homeowner' ? claims.sub : undefined,
        scopeDevelopmentId: claims.development_id,
        developmentId: input.developmentId,
        houseId: input.houseId,
        words: searchQuery(input.q) ?? undefined,
        cursorCreatedAt: cursor?.createdAt,
        cursorId: cursor?.id,
        limit: input.limit + 1,
      };
      const page = preparedFor(ctx.db, `noticeboard.list ${input.audience}`, values, (p, db) => {
        const scope = { tenant_id: p.tenantId, development_id: p.scopeDevelopmentId };
        const filters = { ...p, audience: input.audience };
        return db
          .select({
            id: notices.id,
            developmentId: notices.developmentId,
            houseId: notices.houseId,
            title: notices.title,
            body: notices.body,
            createdAt: notices.createdAt,
            ...audienceColumns('notices'),
            unread: unreadColumn(p.userId && { tenantId: p.tenantId, userId: p.userId }),
          })
          .from(notices)
          .where(
            and(
              p.cursorCreatedAt && rowsAfter(notices, p.cursorCreatedAt, p.cursorId!),
              ...filterConditions(notices, scope, filters, p.words && noticeSearch(p.words)),
            ),
          )
          .orderBy(...newestFirst(notices))
          .limit(p.limit)
          .prepare('');
      });
      const rows = await page.execute(values);
      // The "Newer" link's query is not a hot one: built from the values as they are.
      const search = values.words ? noticeSearch(values.words) : undefined;
      return {
        ...toPage(rows, input.limit),
        previousCursor: await previousCursor(
          ctx.db,
          notices,
          input.cursor,
          input.limit,
          filterConditions(notices, claims, input, search),
        ),
      };
    }),

  /**
   * Marks notices read for the calling homeowner (their noticeboard's unread markers), on any
   * device. Only notices they can see are marked (RLS); other ids are passed over, as if they did
   * not exist. Marking a notice again keeps the first time it was read. Answers the ids now read.
   */
  markRead: homeownerProcedure
    .input(
      z.object({
        ids: z
          .array(z.uuid('not a notice link'))
          .min(1, 'choose a notice')
          .max(MAX_MARK_READ, `at most ${MAX_MARK_READ} notices at a time`),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // Drizzle splices an array as a parenthesised list of parameters: `in ($1, $2, …)`.
      const ids = [...new Set(input.ids)];
      const result = await ctx.db.execute<{ notice_id: string }>(sql`
        with marked as (
          insert into notice_reads (notice_id)
          select n.id from notices n where n.tenant_id = ${ctx.claims.tenant_id}::uuid and n.id in ${ids}
          on conflict do nothing
          returning notice_id
        )
        select notice_id from marked
        union
        select r.notice_id from notice_reads r
        where r.tenant_id = ${ctx.claims.tenant_id}::uuid and r.user_id = ${ctx.claims.sub}::uuid
          and r.notice_id in ${ids}`);
      return { read: result.rows.map((row) => row.notice_id) };
    }),

  /** Posts a notice to a development's every home or to one home, and says who it reached. */
  create: developerProcedure
    .input(
      z.object({
        developmentId: z.uuid('choose a development'),
        houseId: z.uuid('choose a home').nullish(),
        title: z.string().trim().min(1, 'enter a title').max(200, 'at most 200 characters'),
        body: z.string().trim().min(1, 'write the message').max(10_000, 'at most 10,000 characters'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const audience = await resolveAudience(ctx.db, ctx.claims, input.developmentId, input.houseId);
      const [notice] = await ctx.db
        .insert(notices)
        .values({
          developmentId: input.developmentId,
          houseId: input.houseId ?? null,
          title: input.title,
          body: input.body,
        })
        .returning();
      return { ...notice!, audience };
    }),
});
