import { TRPCError } from '@trpc/server';
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema } from '@openhouse/db';

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

export const documentsRouter = router({
  /**
   * Newest first, inside the caller's scope (RLS), narrowed by development, audience, category
   * and a search of the titles by word prefix.
   */
  list: protectedProcedure
    .input(
      z
        .object({ ...pageInput, ...listFilters, category: category.optional() })
        .default({ limit: 20, audience: 'all' }),
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
      ];
      const rows = await ctx.db
        .select({
          id: documents.id,
          developmentId: documents.developmentId,
          houseId: documents.houseId,
          title: documents.title,
          category: documents.category,
          createdAt: documents.createdAt,
          ...audienceColumns('documents'),
        })
        .from(documents)
        .where(and(after, ...conditions))
        .orderBy(...orderBy)
        .limit(input.limit + 1);
      return {
        ...toPage(rows, input.limit),
        previousCursor: await previousCursor(ctx.db, documents, input.cursor, input.limit, conditions),
      };
    }),

  get: protectedProcedure
    .input(z.object({ id: z.uuid('not a document link') }))
    .query(async ({ ctx, input }) => {
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
          ...audienceColumns('documents'),
        })
        .from(documents)
        .where(eq(documents.id, input.id));
      // Another tenant's or house's document is invisible under RLS: the same answer as a missing one.
      if (!document) throw new TRPCError({ code: 'NOT_FOUND', message: 'id: no such document' });
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
        title: z.string().trim().min(1, 'enter a title').max(200, 'at most 200 characters'),
        category,
        body: z
          .string()
          .trim()
          .min(1, 'write the document')
          .max(MAX_DOCUMENT_CHARS, `at most ${MAX_DOCUMENT_CHARS.toLocaleString('en-GB')} characters`),
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
});
