import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

import { pgErrorOf } from '@openhouse/db';

/**
 * What the caller sees when a procedure fails. tRPC wraps anything a resolver throws in an
 * INTERNAL_SERVER_ERROR; this looks at the cause and answers with the right code and a message
 * that names the field. What is not recognised stays a 500, cause attached for the error tracker.
 */

// The columns of the composite foreign keys, by the input field the caller sent.
const FIELD_BY_COLUMN: [string, string][] = [
  ['house_id', 'houseId'],
  ['development_id', 'developmentId'],
  ['thread_id', 'threadId'],
];

export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) {
    if (error.cause instanceof ZodError) {
      const message = error.cause.issues
        .map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`)
        .join('; ');
      return new TRPCError({ code: error.code, message, cause: error.cause });
    }
    if (error.code !== 'INTERNAL_SERVER_ERROR' || !error.cause || error.cause instanceof TRPCError) {
      return error;
    }
    return fromCause(error.cause);
  }
  return fromCause(error);
}

function fromCause(error: unknown): TRPCError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('timeout exceeded when trying to connect')) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The database is busy; retry shortly',
      cause: error,
    });
  }
  const pgError = pgErrorOf(error);
  switch (pgError?.code) {
    case '42501':
      return new TRPCError({ code: 'FORBIDDEN', message: 'Not allowed for this account', cause: error });
    case '23503': {
      const field = FIELD_BY_COLUMN.find(([column]) => pgError.constraint?.includes(column))?.[1] ?? 'input';
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
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Internal error',
    cause: error instanceof Error ? error : new Error(message),
  });
}
