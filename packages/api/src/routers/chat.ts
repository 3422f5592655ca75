import { TRPCError } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema, type Db } from '@openhouse/db';
import type { Claims } from '@openhouse/auth';

import { keyset, pageInput, toPage } from '../pagination';
import { protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { chatMessages, chatThreads } = schema;

/**
 * Support threads between a homeowner and the developer's staff. RLS decides who sees what:
 * a homeowner their own threads, staff their tenant's (one development when scoped).
 */

export const MAX_MESSAGE_CHARS = 4_000;

const messageBody = z
  .string()
  .trim()
  .min(1, 'write a message')
  .max(MAX_MESSAGE_CHARS, `at most ${MAX_MESSAGE_CHARS} characters`);

const isStaff = (claims: Claims) => claims.app_role === 'developer';

/** The reader's own marker: what they have read, so unread counts only count the other side. */
const readMarkerOf = (claims: Claims) => (isStaff(claims) ? 'staffReadAt' : 'homeownerReadAt');

async function findThread(db: Db, threadId: string) {
  const [thread] = await db.select().from(chatThreads).where(eq(chatThreads.id, threadId));
  // Another homeowner's or tenant's thread is invisible under RLS: the same answer as a missing one.
  if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: 'threadId: no such thread' });
  return thread;
}

export const chatRouter = router({
  /** Sends a message: into an existing thread, or (homeowners) opening a new one with a subject. */
  send: protectedProcedure
    .input(
      z
        .object({
          threadId: z.uuid().optional(),
          subject: z.string().trim().min(1, 'enter a subject').max(200, 'at most 200 characters').optional(),
          body: messageBody,
        })
        .refine((input) => input.threadId || input.subject, {
          path: ['subject'],
          message: 'a new thread needs a subject',
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const { db, claims } = ctx;
      let thread;
      if (input.threadId) {
        thread = await findThread(db, input.threadId);
      } else if (claims.app_role === 'homeowner') {
        // A homeowner opens threads only for their own house (the policy checks it too).
        [thread] = await db
          .insert(chatThreads)
          .values({
            developmentId: claims.development_id,
            houseId: claims.house_id,
            homeownerId: claims.sub,
            subject: input.subject!,
          })
          .returning();
      } else {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'threadId: staff reply within a thread' });
      }
      const [message] = await db
        .insert(chatMessages)
        .values({
          developmentId: thread!.developmentId,
          threadId: thread!.id,
          homeownerId: thread!.homeownerId,
          body: input.body,
        })
        .returning();
      await db
        .update(chatThreads)
        .set({
          lastMessageAt: message!.createdAt,
          [readMarkerOf(claims)]: message!.createdAt,
        })
        .where(eq(chatThreads.id, thread!.id));
      return { threadId: thread!.id, message: message! };
    }),

  /**
   * The inbox: threads by latest message, each with the caller's unread count. Staff may narrow
   * it to one development.
   */
  threads: protectedProcedure
    .input(z.object({ ...pageInput, developmentId: z.uuid().optional() }).default({ limit: 20 }))
    .query(async ({ ctx, input }) => {
      const { db, claims } = ctx;
      const { after, orderBy } = keyset(
        { createdAt: chatThreads.lastMessageAt, id: chatThreads.id },
        input.cursor,
      );
      const readAt = isStaff(claims) ? sql`chat_threads.staff_read_at` : sql`chat_threads.homeowner_read_at`;
      // Messages from the other side, after the caller last read the thread.
      const fromOtherSide = isStaff(claims)
        ? sql`m.author_id = m.homeowner_id`
        : sql`m.author_id <> m.homeowner_id`;
      // Counted per thread of the page only: a subquery in the select list runs for the rows the
      // LIMIT keeps, where a join and GROUP BY would count every thread of the tenant first.
      // Outer columns spelled out: Drizzle leaves them unqualified in a one-table select.
      const unread = sql<number>`(select count(*)::int from chat_messages m
        where m.tenant_id = chat_threads.tenant_id and m.thread_id = chat_threads.id
          and ${fromOtherSide} and m.created_at > coalesce(${readAt}, '-infinity'::timestamptz))`;
      const rows = await db
        .select({
          id: chatThreads.id,
          developmentId: chatThreads.developmentId,
          houseId: chatThreads.houseId,
          homeownerId: chatThreads.homeownerId,
          subject: chatThreads.subject,
          createdAt: chatThreads.createdAt,
          lastMessageAt: chatThreads.lastMessageAt,
          unread,
        })
        .from(chatThreads)
        .where(
          and(after, input.developmentId ? eq(chatThreads.developmentId, input.developmentId) : undefined),
        )
        .orderBy(...orderBy)
        .limit(input.limit + 1);
      return toPage(rows, input.limit, (row) => ({ createdAt: row.lastMessageAt, id: row.id }));
    }),

  /** One thread's messages, newest first; reading them marks the thread read for the caller. */
  history: protectedProcedure
    .input(z.object({ ...pageInput, threadId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const { db, claims } = ctx;
      const thread = await findThread(db, input.threadId);
      const { after, orderBy } = keyset(chatMessages, input.cursor);
      const rows = await db
        .select({
          id: chatMessages.id,
          authorId: chatMessages.authorId,
          body: chatMessages.body,
          createdAt: chatMessages.createdAt,
          fromStaff: sql<boolean>`${chatMessages.authorId} <> ${chatMessages.homeownerId}`,
        })
        .from(chatMessages)
        .where(and(eq(chatMessages.threadId, thread.id), after))
        .orderBy(...orderBy)
        .limit(input.limit + 1);
      if (!input.cursor) {
        await db
          .update(chatThreads)
          .set({ [readMarkerOf(claims)]: sql`now()` })
          .where(eq(chatThreads.id, thread.id));
      }
      return {
        thread: { id: thread.id, subject: thread.subject, houseId: thread.houseId },
        ...toPage(rows, input.limit),
      };
    }),
});
