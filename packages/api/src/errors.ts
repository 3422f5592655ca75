import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

import type { DbFailure } from '@openhouse/db';

/**
 * What the caller sees when a procedure fails. tRPC wraps anything a resolver throws in an
 * INTERNAL_SERVER_ERROR; this looks at the cause and answers with the right code and a message
 * that names the field. A database failure arrives already classified (`@openhouse/db`
 * failures.ts): {@link answerFor} is the one place a kind becomes an HTTP answer. What is not
 * recognised stays a 500, cause attached for the error tracker.
 */

// The columns of the composite foreign keys, by the input field the caller sent.
const FIELD_BY_COLUMN: [string, string][] = [
  ['house_id', 'houseId'],
  ['development_id', 'developmentId'],
  ['thread_id', 'threadId'],
];

const BUSY = 'The database is busy; retry shortly';
const UNAVAILABLE = 'The database is unavailable; retry shortly';

/** Each invalid field of the input with its message: `field` is the dotted path, `input` for the whole. */
export function invalidFields(error: ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || 'input', message: issue.message }));
}

/** `error`, as the caller should see it; `failure` is the database failure it carries, if any. */
export function toTrpcError(error: unknown, failure: DbFailure | undefined): TRPCError {
  if (error instanceof TRPCError) {
    if (error.cause instanceof ZodError) {
      const message = invalidFields(error.cause)
        .map(({ field, message }) => `${field}: ${message}`)
        .join('; ');
      return new TRPCError({ code: error.code, message, cause: error.cause });
    }
    if (error.code !== 'INTERNAL_SERVER_ERROR' || !error.cause || error.cause instanceof TRPCError) {
      return error;
    }
    return fromCause(error.cause, failure);
  }
  return fromCause(error, failure);
}

function fromCause(error: unknown, failure: DbFailure | undefined): TRPCError {
  const answer = failure && answerFor(failure);
  if (answer) return new TRPCError({ ...answer, cause: error });
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Internal error',
    cause: error instanceof Error ? error : new Error(String(error)),
  });
}

type Answer = Pick<ConstructorParameters<typeof TRPCError>[0], 'code' | 'message'>;

function answerFor(failure: DbFailure): Answer | undefined {
  switch (failure.kind) {
    case 'pool_timeout':
    case 'pool_exhausted':
    case 'too_many_connections':
      return { code: 'SERVICE_UNAVAILABLE', message: BUSY };
    case 'connect_failed':
    case 'connection_terminated':
      return { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE };
    case 'statement_timeout':
      return { code: 'GATEWAY_TIMEOUT', message: 'The database query took too long and was cancelled' };
    case 'idle_in_transaction_timeout':
      return {
        code: 'GATEWAY_TIMEOUT',
        message: 'The request held its transaction too long and was cancelled',
      };
    // Not "retry shortly": a blind retry could apply the change twice. With the same
    // Idempotency-Key a retry is answered from the stored response if the change was saved.
    case 'commit_unknown':
      return {
        code: 'BAD_GATEWAY',
        message:
          'The connection to the database broke while saving: the change may or may not have been saved. ' +
          'Retry only with the same Idempotency-Key, or check first',
      };
    case 'client_misuse':
    case 'idle_client_error':
      return undefined;
    case 'db_error':
      return answerForSqlState(failure);
  }
}

function answerForSqlState({ sqlState, constraint }: DbFailure): Answer | undefined {
  switch (sqlState) {
    case '42501':
      return { code: 'FORBIDDEN', message: 'Not allowed for this account' };
    case '23503': {
      const field = FIELD_BY_COLUMN.find(([column]) => constraint?.includes(column))?.[1] ?? 'input';
      return { code: 'NOT_FOUND', message: `${field}: not found` };
    }
    case '23505':
      return { code: 'CONFLICT', message: 'Already exists' };
    case '23514':
    case '22001':
    case '22P02':
      return { code: 'BAD_REQUEST', message: 'Invalid value' };
    case '40001':
    case '40P01':
      return { code: 'SERVICE_UNAVAILABLE', message: BUSY };
  }
  return undefined;
}
