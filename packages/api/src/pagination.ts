import { TRPCError } from '@trpc/server';
import { and, desc, eq, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';

/** Keyset pagination over (created_at desc, id desc): stable under concurrent inserts. */

export const pageInput = {
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(50).default(20),
};

interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: Cursor): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !z.uuid().safeParse(id).success || Number.isNaN(createdAt.getTime())) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor: not a cursor this API returned' });
  }
  return { createdAt, id };
}

/** The WHERE condition for rows after `cursor`, and the ORDER BY that goes with it. */
export function keyset(columns: { createdAt: AnyColumn; id: AnyColumn }, cursor: string | null | undefined) {
  let after: SQL | undefined;
  if (cursor) {
    const { createdAt, id } = decodeCursor(cursor);
    after = or(lt(columns.createdAt, createdAt), and(eq(columns.createdAt, createdAt), lt(columns.id, id)));
  }
  return { after, orderBy: [desc(columns.createdAt), desc(columns.id)] };
}

/**
 * Fetches `limit + 1` rows upstream; this trims the extra one into `nextCursor`. `cursorOf` names
 * the keyset columns when they are not `createdAt` and `id` (a thread inbox orders by its last message).
 */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor = (row) => row as Cursor) {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(cursorOf(items.at(-1)!)) : null;
  return { items, nextCursor };
}
