import { TRPCError } from '@trpc/server';
import { and, desc, eq, lt, or, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm';
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

/** The row a cursor this API returned points at; a 400 naming `cursor` for anything else. */
export function decodeCursor(cursor: string): Cursor {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !z.uuid().safeParse(id).success || Number.isNaN(createdAt.getTime())) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor: not a cursor this API returned' });
  }
  return { createdAt, id };
}

type KeysetColumns = { createdAt: AnyColumn; id: AnyColumn };

/** The WHERE condition for rows after `cursor`, and the ORDER BY that goes with it. */
export function keyset(columns: KeysetColumns, cursor: string | null | undefined) {
  const at = cursor ? decodeCursor(cursor) : undefined;
  return { after: at && rowsAfter(columns, at.createdAt, at.id), orderBy: newestFirst(columns) };
}

/** Rows after (`createdAt`, `id`) newest first: values, or placeholders of a prepared query. */
export function rowsAfter(
  columns: KeysetColumns,
  createdAt: Date | SQLWrapper,
  id: string | SQLWrapper,
): SQL {
  return or(lt(columns.createdAt, createdAt), and(eq(columns.createdAt, createdAt), lt(columns.id, id)))!;
}

export const newestFirst = (columns: KeysetColumns) => [desc(columns.createdAt), desc(columns.id)];

/**
 * Fetches `limit + 1` rows upstream; this trims the extra one into `nextCursor`. `cursorOf` names
 * the keyset columns when they are not `createdAt` and `id` (a thread inbox orders by its last message).
 */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor = (row) => row as Cursor) {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(cursorOf(items.at(-1)!)) : null;
  return { items, nextCursor };
}
