import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema, type Db } from '@openhouse/db';

import { keyset, pageInput, toPage } from '../pagination';
import { MAX_DOCUMENT_CHARS, splitIntoPassages } from '../passages';
import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';
import {
  audienceColumns,
  filterConditions,
  listFilters,
  previousCursor,
  resolveAudience,
  searchQuery,
} from './noticeboard';

const { documents, documentPassages } = schema;

const category = z
  .string()
  .trim()
  .min(1, 'enter a category')
  .max(40, 'at most 40 characters')
  .regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes, starting with a letter');
const title = z.string().trim().min(1, 'enter a title').max(200, 'at most 200 characters');
const body = z
  .string()
  .trim()
  .min(1, 'write the document')
  .max(MAX_DOCUMENT_CHARS, `at most ${MAX_DOCUMENT_CHARS.toLocaleString('en-GB')} characters`);
const documentId = z.uuid('not a document link');

/** A document's row as lists show it, and as staff see it after changing it. */
const listed = {
  id: documents.id,
  developmentId: documents.developmentId,
  houseId: documents.houseId,
  title: documents.title,
  category: documents.category,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
  withdrawnAt: documents.withdrawnAt,
};

/**
 * The document's passages, from its current text, when it has none: after an edit of the text or
 * audience the database has dropped the old ones (migration 0010), in this transaction. Filed with
 * the document's scope and withdrawn state, as the foreign keys require. Returns how many it has.
 */
async function derivePassages(
  db: Db,
  document: {
    id: string;
    tenantId: string;
    developmentId: string;
    houseId: string | null;
    body: string;
    withdrawn: boolean;
  },
): Promise<number> {
  const [existing] = await db
    .select({ n: count() })
    .from(documentPassages)
    .where(
      and(eq(documentPassages.tenantId, document.tenantId), eq(documentPassages.documentId, document.id)),
    );
  if (existing!.n > 0) return existing!.n;
  const passages = splitIntoPassages(document.body).map((passage) => ({
    ...passage,
    tenantId: document.tenantId,
    developmentId: document.developmentId,
    houseId: document.houseId,
    documentId: document.id,
    withdrawn: document.withdrawn,
  }));
  if (passages.length > 0) await db.insert(documentPassages).values(passages);
  return passages.length;
}

const notFound = () => new TRPCError({ code: 'NOT_FOUND', message: 'id: no such document' });

export const documentsRouter = router({
  /**
   * Newest first, inside the caller's scope (RLS), narrowed by development, audience, category
   * and a search of the titles by word prefix.
   */
  list: protectedProcedure
    .input(
      z
        .object({
          ...pageInput,
          ...listFilters,
          category: category.optional(),
          /** Staff: published or withdrawn only. Homeowners never see a withdrawn one (RLS). */
          status: z.enum(['all', 'published', 'withdrawn']).default('all'),
        })
        .default({ limit: 20, audience: 'all', status: 'all' }),
    )
    .query(async ({ ctx, input }) => {
      const { after, orderBy } = keyset(documents, input.cursor);
      const words = searchQuery(input.q);
      const search = words
        ? sql`to_tsvector('english', ${documents.title} || ' ' || ${documents.category}) @@ to_tsquery('english', ${words})`
        : undefined;
      const conditions = [
        ...filterConditions(documents, ctx.claims, input, search),
        input.category ? eq(documents.category, input.category) : undefined,
        input.status === 'published' ? isNull(documents.withdrawnAt) : undefined,
        input.status === 'withdrawn' ? isNotNull(documents.withdrawnAt) : undefined,
      ];
      const rows = await ctx.db
        .select({ ...listed, ...audienceColumns('documents') })
        .from(documents)
        .where(and(after, ...conditions))
        .orderBy(...orderBy)
        .limit(input.limit + 1);
      return {
        ...toPage(rows, input.limit),
        previousCursor: await previousCursor(ctx.db, documents, input.cursor, input.limit, conditions),
      };
    }),

  get: protectedProcedure.input(z.object({ id: documentId })).query(async ({ ctx, input }) => {
    const [document] = await ctx.db
      .select({
        id: documents.id,
        tenantId: documents.tenantId,
        developmentId: documents.developmentId,
        houseId: documents.houseId,
        createdBy: documents.createdBy,
        title: documents.title,
        category: documents.category,
        body: documents.body,
        createdAt: documents.createdAt,
        updatedAt: documents.updatedAt,
        withdrawnAt: documents.withdrawnAt,
        ...audienceColumns('documents'),
      })
      .from(documents)
      .where(eq(documents.id, input.id));
    // Another tenant's or house's document, or for a homeowner a withdrawn one, is invisible
    // under RLS: the same answer as a missing one.
    if (!document) throw notFound();
    const passages = await ctx.db
      .select({
        id: documentPassages.id,
        position: documentPassages.position,
        heading: documentPassages.heading,
        content: documentPassages.content,
      })
      .from(documentPassages)
      .where(eq(documentPassages.documentId, document.id))
      .orderBy(asc(documentPassages.position));
    return { ...document, passages };
  }),

  /** Publishes a document and its retrieval passages in one transaction, and says who it reached. */
  create: developerProcedure
    .input(
      z.object({
        developmentId: z.uuid('choose a development'),
        houseId: z.uuid('choose a home').nullish(),
        title,
        category,
        body,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const audience = await resolveAudience(ctx.db, ctx.claims, input.developmentId, input.houseId);
      const [document] = await ctx.db
        .insert(documents)
        .values({ ...input, houseId: input.houseId ?? null })
        .returning();
      const passages = splitIntoPassages(input.body).map((passage) => ({
        ...passage,
        tenantId: document!.tenantId,
        developmentId: document!.developmentId,
        houseId: document!.houseId,
        documentId: document!.id,
      }));
      await ctx.db.insert(documentPassages).values(passages);
      return { ...document!, passageCount: passages.length, audience };
    }),

  /**
   * Changes a document's title, category, text or audience (a home of its own development, or
   * `null` for every home); what is left out stays. Staff of the document's scope only (RLS): another
   * tenant's or development's document is not found. A new text or audience replaces the passages
   * the assistant cites, in the same transaction. A withdrawn document stays withdrawn.
   */
  update: developerProcedure
    .input(
      z
        .object({
          id: documentId,
          title: title.optional(),
          category: category.optional(),
          body: body.optional(),
          houseId: z.uuid('choose a home').nullable().optional(),
        })
        .refine(
          (input) => [input.title, input.category, input.body, input.houseId].some((v) => v !== undefined),
          'change at least one of title, category, body and houseId',
        ),
    )
    .mutation(async ({ ctx, input }) => {
      const [current] = await ctx.db
        .select({ developmentId: documents.developmentId, houseId: documents.houseId })
        .from(documents)
        .where(eq(documents.id, input.id));
      if (!current) throw notFound();
      const houseId = input.houseId === undefined ? current.houseId : input.houseId;
      const audience = await resolveAudience(ctx.db, ctx.claims, current.developmentId, houseId);
      const [document] = await ctx.db
        .update(documents)
        .set({ title: input.title, category: input.category, body: input.body, houseId })
        .where(eq(documents.id, input.id))
        .returning({
          ...listed,
          tenantId: documents.tenantId,
          body: documents.body,
          withdrawn: documents.withdrawn,
        });
      if (!document) throw notFound();
      const passageCount = await derivePassages(ctx.db, document);
      const { tenantId: _tenantId, body: _body, withdrawn: _withdrawn, ...summary } = document;
      return { ...summary, passageCount, audience };
    }),

  /**
   * Unpublishes a document: homeowners no longer list, open or get answers from it (their
   * policies exclude it). Staff still see it, marked withdrawn, and may republish it. Withdrawing
   * a withdrawn document keeps its first withdrawal time.
   */
  withdraw: developerProcedure.input(z.object({ id: documentId })).mutation(async ({ ctx, input }) => {
    const [document] = await ctx.db
      .update(documents)
      .set({ withdrawnAt: sql`coalesce(${documents.withdrawnAt}, now())` })
      .where(eq(documents.id, input.id))
      .returning(listed);
    if (!document) throw notFound();
    return document;
  }),

  /** Publishes a withdrawn document again, with the passages it had. */
  republish: developerProcedure.input(z.object({ id: documentId })).mutation(async ({ ctx, input }) => {
    const [document] = await ctx.db
      .update(documents)
      .set({ withdrawnAt: null })
      .where(eq(documents.id, input.id))
      .returning(listed);
    if (!document) throw notFound();
    return document;
  }),
});
