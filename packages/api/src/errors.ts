import { TRPCError } from '@trpc/server';

import { pgErrorOf } from '@openhouse/db';

/**
 * Turns what the database layer throws into the error the caller sees. Anything not recognised
 * stays a 500 with its cause attached for the error tracker.
 */

// The constraint names Postgres gives the composite foreign keys, by the column the caller sent.
const FIELD_BY_COLUMN: [string, string][] = [
  ['house_id', 'houseId'],
  ['development_id', 'developmentId'],
  ['thread_id', 'threadId'],
];

export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  const pgError = pgErrorOf(error);
  const message = error instanceof Error ? error.message : String(error);

  if (message.includes('timeout exceeded when trying to connect')) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The database is busy; retry shortly',
      cause: error,
    });
  }
  switch (pgError?.code) {
    case '42501':
      return new TRPCError({ code: 'FORBIDDEN', message: 'Not allowed for this account', cause: error });
    case '23503': {
      const field =
        FIELD_BY_COLUMN.find(([column]) => pgError.constraint?.includes(column))?.[1] ?? 'input';
      return new TRPCError({ code: 'NOT_FOUND', message: `${field}: not found`, cause: error });
    }
    case '23505':
      return new TRPCError({ code: 'CONFLICT', message: 'Already exists', cause: error });
    case '23514':
    case '22001':
    case '22P02':
      return new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid value', cause: error });
    case '57014':
      return new TRPCError({
        code: 'TIMEOUT',
        message: 'The database query took too long and was cancelled',
        cause: error,
      });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', cause: error });
}
