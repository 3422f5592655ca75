import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';

import { MAX_DOCUMENT_CHARS, schema, splitIntoPassages } from '@openhouse/db';

import { keyset, pageInput, toPage } from '../pagination';
import { developerProcedure, protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { documents, documentPassages } = schema;

const category = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes');

export const documentsRouter = router({
  list: protectedProcedure
    .input(z.object({ ...pageInput, category: category.optional() }).default({ limit: 20 }))
    .query(async ({ ctx, input }) => {
      const { after, orderBy } = keyset(documents, input.cursor);
      const rows = await ctx.db
        .select({
          id: documents.id,
          developmentId: documents.developmentId,
          houseId: documents.houseId,
          title: documents.title,
          category: documents.category,
          createdAt: documents.createdAt,
        })
        .from(documents)
        .where(and(after, input.category ? eq(documents.category, input.category) : undefined))
        .orderBy(...orderBy)
        .limit(input.limit + 1);
      return toPage(rows, input.limit);
    }),

  get: protectedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const [document] = await ctx.db.select().from(documents).where(eq(documents.id, input.id));
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

  /** Publishes a document and its retrieval passages in one transaction. */
  create: developerProcedure
    .input(
      z.object({
        developmentId: z.uuid(),
        houseId: z.uuid().nullish(),
        title: z.string().trim().min(1).max(200),
        category,
        body: z.string().trim().min(1).max(MAX_DOCUMENT_CHARS),
      }),
    )
    .mutation(async ({ ctx, input }) => {
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
      return { ...document!, passageCount: passages.length };
    }),
});
