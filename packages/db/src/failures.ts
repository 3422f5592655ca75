/**
 * What the pool knew when a request's database work failed, attached to the thrown error so that
 * the API layer can classify, report and retry it. Stored under a `Symbol.for` key: Next.js may
 * load this package once per bundle layer, and a registry symbol is the same in every copy.
 */

const FAILURE = Symbol.for('openhouse.db.failure');

export interface DbFailureContext {
  /** `acquire`: no connection was obtained. `transaction`: it failed on a checked-out connection. */
  phase: 'acquire' | 'transaction';
  /** How long the request waited for a pooled connection, in ms. */
  waitMs: number;
  /** Whether BEGIN was acknowledged before the failure: if not, no statement of the request ran. */
  begun: boolean;
}

export function annotateFailure(error: unknown, context: DbFailureContext): void {
  if (error && typeof error === 'object' && !(FAILURE in error)) {
    Object.defineProperty(error, FAILURE, { value: context, enumerable: false });
  }
}

export function failureContextOf(error: unknown): DbFailureContext | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const context = (current as { [FAILURE]?: DbFailureContext })[FAILURE];
    if (context) return context;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Thrown at once when `DB_POOL_MAX_WAITING` requests already wait for a connection. */
export class PoolExhaustedError extends Error {
  readonly code = 'POOL_EXHAUSTED';
  constructor(waiting: number) {
    super(`Connection pool exhausted: ${waiting} requests already waiting`);
    this.name = 'PoolExhaustedError';
  }
}
