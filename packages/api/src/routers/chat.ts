import { TRPCError } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema, type Db } from '@openhouse/db';
import type { Claims } from '@openhouse/auth';

import { MAX_MESSAGE_CHARS } from '../limits';
import { keyset, pageInput, toPage } from '../pagination';
import { protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { chatMessages, chatThreads } = schema;

/**
 * Support threads between a homeowner and the developer's staff. RLS decides who sees what:
 * a homeowner their own threads, staff their tenant's (one development when scoped).
 */

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
  if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: 'threadId: no such conversation' });
  return thread;
}

export interface ThreadHomeowner {
  name: string;
  email: string;
  contactChannel: 'email' | 'phone' | 'sms';
  contactPhone: string | null;
}
export interface ThreadHome {
  plotNumber: number;
  address: string;
  developmentName: string;
}

/**
 * Who a thread is with and where: the homeowner's name and how they like to be contacted, the
 * plot and address. Correlated subqueries by primary key, so that each reads one row per thread
 * of the page (a join could read every house or profile of the tenant first). Outer columns
 * spelled out: Drizzle leaves them unqualified in a one-table select.
 */
const threadPeople = {
  homeowner: sql<ThreadHomeowner | null>`(select json_build_object('name', p.display_name,
      'email', p.email, 'contactChannel', p.contact_channel, 'contactPhone', p.contact_phone)
    from profiles p where p.tenant_id = chat_threads.tenant_id and p.id = chat_threads.homeowner_id)`,
  home: sql<ThreadHome | null>`(select json_build_object('plotNumber', h.plot_number, 'address', h.address,
      'developmentName', (select d.name from developments d
        where d.tenant_id = h.tenant_id and d.id = h.development_id))
    from houses h where h.tenant_id = chat_threads.tenant_id and h.id = chat_threads.house_id)`,
};

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
          ...threadPeople,
          // The newest message, for the inbox line: one row through the thread's message index.
          lastMessage: sql<{ body: string; fromStaff: boolean } | null>`(select json_build_object(
              'body', left(m.body, 160), 'fromStaff', m.author_id <> m.homeowner_id)
            from chat_messages m where m.tenant_id = chat_threads.tenant_id and m.thread_id = chat_threads.id
            order by m.created_at desc, m.id desc limit 1)`,
        })
        .from(chatThreads)
        .where(
          and(after, input.developmentId ? eq(chatThreads.developmentId, input.developmentId) : undefined),
        )
        .orderBy(...orderBy)
        .limit(input.limit + 1);
      return toPage(rows, input.limit, (row) => ({ createdAt: row.lastMessageAt, id: row.id }));
    }),

  /**
   * One thread's messages, newest first, with who the thread is with. A read: it changes nothing
   * (opening a thread marks it read through `markRead`).
   */
  history: protectedProcedure
    .input(z.object({ ...pageInput, threadId: z.uuid('not a conversation link') }))
    .query(async ({ ctx, input }) => {
      const { db } = ctx;
      const [thread] = await db
        .select({
          id: chatThreads.id,
          subject: chatThreads.subject,
          developmentId: chatThreads.developmentId,
          houseId: chatThreads.houseId,
          createdAt: chatThreads.createdAt,
          ...threadPeople,
        })
        .from(chatThreads)
        .where(eq(chatThreads.id, input.threadId));
      // Another homeowner's or tenant's thread is invisible under RLS: the same answer as a missing one.
      if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: 'threadId: no such conversation' });
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
      return { thread, ...toPage(rows, input.limit) };
    }),

  /** Marks a thread read up to now for the caller (their own marker only): the portals call it on opening a thread. */
  markRead: protectedProcedure
    .input(z.object({ threadId: z.uuid('not a conversation link') }))
    .mutation(async ({ ctx, input }) => {
      const [thread] = await ctx.db
        .update(chatThreads)
        .set({ [readMarkerOf(ctx.claims)]: sql`now()` })
        .where(eq(chatThreads.id, input.threadId))
        .returning({ id: chatThreads.id, readAt: sql<Date>`now()`.mapWith(chatThreads.createdAt) });
      // Not visible under RLS, or not there: the same answer.
      if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: 'threadId: no such conversation' });
      return { threadId: thread.id, readAt: thread.readAt };
    }),
});
