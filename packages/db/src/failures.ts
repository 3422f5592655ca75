/**
 * Every way a pooled database call fails has a kind. The failure is classified once, where it
 * happens — `runWithRls` for a request, the pool's 'error' listener for an idle client — and the
 * classification travels on the thrown error. Everything downstream (the API's retry decision,
 * its HTTP answer, its metrics and Sentry report) reads it with {@link classifyDbFailure}.
 *
 * Stored under a `Symbol.for` key: Next.js may load this package once per bundle layer, and a
 * registry symbol is the same in every copy.
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
  | 'commit_unknown'
  | 'client_misuse'
  | 'db_error';

/** Where the failure happened, as the pool saw it. */
export interface DbFailureContext {
  /**
   * `acquire`: no connection was obtained. `transaction`: it failed on a checked-out connection.
   * `idle`: a pooled client died between requests (the pool has already discarded it).
   */
  phase: 'acquire' | 'transaction' | 'idle';
  /** How long the request waited for a pooled connection, in ms (not for `idle`). */
  waitMs?: number;
  /** Whether BEGIN was acknowledged before the failure: if not, no statement of the request ran. */
  begun: boolean;
  /**
   * Whether the transaction's writes may have been committed: `false` when it is known that they
   * were not (it failed before COMMIT was sent, COMMIT was answered with an error or ROLLBACK, or
   * the server says the transaction aborted); `'unknown'` when the connection broke after COMMIT
   * was sent and the server could not say — the kind is then `commit_unknown`.
   */
  committed?: false | 'unknown';
}

export interface DbFailure extends Partial<DbFailureContext> {
  kind: DbFailureKind;
  /** SQLSTATE, when the server sent one. */
  sqlState?: string;
  /** The constraint a 23xxx error names, if any. */
  constraint?: string;
  /** Every message along the cause chain, outermost first. */
  message: string;
}

const FAILURE = Symbol.for('openhouse.db.failure');

/**
 * The failure `error` carries (classified where it happened), or — for an error that never passed
 * through the pool, such as a client used after its release — its classification now.
 * `undefined` when the error did not come from the database layer.
 */
export function classifyDbFailure(error: unknown): DbFailure | undefined {
  return carriedFailure(error) ?? classify(error);
}

/**
 * Classifies `error` with what the pool knew and attaches the result to it. The first
 * classification wins: an error rethrown (or wrapped) through a second layer keeps where it
 * first happened.
 */
export function annotateFailure(error: unknown, context: DbFailureContext, evidence?: unknown): void {
  if (!error || typeof error !== 'object' || carriedFailure(error)) return;
  // `evidence`: what the connection itself reported (its 'error' event), when that says more than
  // the thrown error — 25P03 arrives as the event, the next query only says "not queryable".
  const source = evidence && pgErrorOf(evidence) && !pgErrorOf(error) ? evidence : error;
  const classified = classify(source, context)!;
  const failure = { ...classified, ...context };
  if (context.committed === 'unknown') failure.kind = 'commit_unknown';
  Object.defineProperty(error, FAILURE, { value: failure, enumerable: false });
}

/** Thrown at once when `DB_POOL_MAX_WAITING` requests already wait for a connection. */
export class PoolExhaustedError extends Error {
  readonly code = 'POOL_EXHAUSTED';
  constructor(waiting: number) {
    super(`Connection pool exhausted: ${waiting} requests already waiting`);
    this.name = 'PoolExhaustedError';
  }
}

/**
 * Thrown when a request waited its whole connection timeout for a slot of the pool (see
 * `fair-share.ts`); worded as pg-pool words its own timeout, and classified the same: `pool_timeout`.
 */
export class PoolWaitTimeoutError extends Error {
  readonly code = 'POOL_WAIT_TIMEOUT';
  constructor(waitedMs: number) {
    super(`timeout exceeded when trying to connect (waited ${waitedMs} ms for a connection)`);
    this.name = 'PoolWaitTimeoutError';
  }
}

/** Thrown when Postgres answers COMMIT with ROLLBACK: the transaction had aborted, nothing was written. */
export class CommitRolledBackError extends Error {
  readonly code = 'COMMIT_ROLLED_BACK';
  constructor() {
    super('COMMIT was answered with ROLLBACK: the transaction had aborted and nothing was written');
    this.name = 'CommitRolledBackError';
  }
}

/** pg's message when its client-side `query_timeout` fires (the server did not answer in time). */
export const QUERY_READ_TIMEOUT = /Query read timeout/i;

/** A database error as node-postgres reports it; Drizzle wraps it as the `cause` of its own error. */
export interface PgError extends Error {
  code: string;
  constraint?: string;
}

/** The Postgres error inside `error` (Drizzle's wrapper or pg's own), if any. */
export function pgErrorOf(error: unknown): PgError | undefined {
  for (const current of causeChain(error)) {
    const code = (current as { code?: unknown }).code;
    // A SQLSTATE, not a socket errno that happens to be five capitals (EPIPE): pg's DatabaseError
    // always carries a severity.
    if (
      typeof code === 'string' &&
      /^[0-9A-Z]{5}$/.test(code) &&
      (typeof (current as { severity?: unknown }).severity === 'string' || !/^E[A-Z]{4}$/.test(code))
    ) {
      return current as PgError;
    }
  }
  return undefined;
}

function carriedFailure(error: unknown): DbFailure | undefined {
  for (const current of causeChain(error)) {
    const carried = (current as { [FAILURE]?: DbFailure })[FAILURE];
    if (carried) return carried;
  }
  return undefined;
}

/** `error` and its causes, outermost first; tRPC, Drizzle and pg each wrap once, so five is plenty. */
function* causeChain(error: unknown): Generator<object> {
  let current = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const BROKEN_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * The taxonomy itself. Without a context only the error's own evidence counts (SQLSTATE, socket
 * codes, pg's messages); with one, an unrecognised error thrown inside a transaction is still a
 * `db_error`, and an idle client's death is always `idle_client_error`.
 */
function classify(error: unknown, context?: DbFailureContext): DbFailure | undefined {
  const chain = [...causeChain(error)];
  const message = chain.flatMap((e) => (e instanceof Error ? [e.message] : [])).join(' | ') || String(error);
  const pgError = pgErrorOf(error);
  const sqlState = pgError?.code;
  // Every string `code` along the chain (tRPC's own wrapper has one too).
  const codes = new Set(
    chain.map((e) => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string'),
  );
  const hasCode = (set: Set<string>) => [...codes].some((code) => set.has(code));
  const failure = (kind: DbFailureKind): DbFailure => ({
    kind,
    sqlState,
    constraint: pgError?.constraint,
    message,
  });

  if (context?.phase === 'idle') return failure('idle_client_error');
  if (codes.has('POOL_EXHAUSTED')) return failure('pool_exhausted');
  if (codes.has('POOL_WAIT_TIMEOUT')) return failure('pool_timeout');
  if (sqlState === '53300') return failure('too_many_connections');
  // 57014 is also an operator's pg_cancel_backend ("due to user request"): not a timeout.
  if (sqlState === '57014') return failure(/user request/i.test(message) ? 'db_error' : 'statement_timeout');
  if (QUERY_READ_TIMEOUT.test(message)) return failure('statement_timeout');
  if (sqlState === '25P03') return failure('idle_in_transaction_timeout');
  if (sqlState === '57P01' || sqlState === '57P02') return failure('connection_terminated');
  // 57P03: the server is starting or shutting down; class 08: any connection exception.
  if (sqlState === '57P03' || sqlState?.startsWith('08')) return failure('connect_failed');
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
