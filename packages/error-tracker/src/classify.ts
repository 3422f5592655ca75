import { failureContextOf, pgErrorOf } from '@openhouse/db';

/**
 * Every way a pooled database call fails has a kind. The kind decides what the caller sees (see
 * `@openhouse/api` errors.ts), whether it is reported, and the Sentry fingerprint (kind + route).
 */
export type DbFailureKind =
  | 'pool_timeout'
  | 'pool_exhausted'
  | 'connect_failed'
  | 'too_many_connections'
  | 'idle_client_error'
  | 'connection_terminated'
  | 'statement_timeout'
  | 'idle_in_transaction_timeout'
  | 'client_misuse'
  | 'db_error';

export interface DbFailure {
  kind: DbFailureKind;
  /** SQLSTATE, when the server sent one. */
  sqlState?: string;
  message: string;
}

const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const BROKEN_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** Classifies a failure of the database layer; `undefined` when the error did not come from it. */
export function classifyDbFailure(error: unknown): DbFailure | undefined {
  const message = messageOf(error);
  const context = failureContextOf(error);
  const pgError = pgErrorOf(error);
  const sqlState = pgError?.code;
  const codes = errorCodesOf(error);
  const hasCode = (set: Set<string>) => [...codes].some((code) => set.has(code));
  const failure = (kind: DbFailureKind): DbFailure => ({ kind, sqlState, message });

  if (codes.has('POOL_EXHAUSTED')) return failure('pool_exhausted');
  if (sqlState === '53300') return failure('too_many_connections');
  if (sqlState === '57014') return failure('statement_timeout');
  if (sqlState === '25P03') return failure('idle_in_transaction_timeout');
  if (sqlState === '57P01' || sqlState === '57P02') return failure('connection_terminated');
  if (sqlState === '57P03' || sqlState === '08006' || sqlState === '08001' || sqlState === '08004') {
    return failure('connect_failed');
  }
  if (/timeout exceeded when trying to connect/i.test(message)) return failure('pool_timeout');
  if (
    hasCode(CONNECT_ERROR_CODES) ||
    /connection timeout|Connection terminated due to connection timeout/i.test(message)
  ) {
    return failure('connect_failed');
  }
  if (
    /already been released|Client was closed and is not queryable|Cannot use a pool after calling end/i.test(
      message,
    )
  ) {
    return failure('client_misuse');
  }
  if (
    hasCode(BROKEN_SOCKET_CODES) ||
    /Connection terminated|not queryable|terminating connection/i.test(message)
  ) {
    // A broken socket before any connection was handed out is a failed connect, not a dropped one.
    return failure(context?.phase === 'acquire' ? 'connect_failed' : 'connection_terminated');
  }
  if (sqlState) return failure('db_error');
  return context ? failure('db_error') : undefined;
}

function messageOf(error: unknown): string {
  const messages: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) messages.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return messages.join(' | ') || String(error);
}

/** Every string `code` along the cause chain (tRPC's own wrapper has one too). */
function errorCodesOf(error: unknown): Set<string> {
  const codes = new Set<string>();
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}
