import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  splitLink,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';

import type { AnyTRPCRouter } from '@trpc/server';

import type { AppRouter } from '@openhouse/api';
import { MAX_BATCH_SIZE, MAX_URL_CHARS } from '@openhouse/api/limits';

/** The header every mutation carries (issue 10): one key per mutation, the same on each retry. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** The first backoff; each further one doubles, with up to 50 % jitter (default 250 ms). */
  baseDelayMs?: number;
  /** A fresh key per mutation (default `crypto.randomUUID()`). */
  newKey?: () => string;
}

/**
 * Worth another attempt with the same key: no answer at all (a network failure), 503 (the
 * database is busy or restarting) or 409 (an earlier attempt of this same mutation is still
 * running: the retry is answered its stored response once it has finished).
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
  return status === undefined || status === 503 || status === 409;
}

/**
 * A link that gives every mutation an idempotency key (in `op.context.idempotencyKey`, which
 * `idempotencyHeaders` turns into the header) and retries it with backoff, the same key each time,
 * so a retry after a lost answer never repeats the effect. Queries pass through untouched.
 */
export function idempotentRetryLink<TRouter extends AnyTRPCRouter>(
  options: RetryOptions = {},
): TRPCLink<TRouter> {
  const retries = options.retries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const newKey = options.newKey ?? (() => globalThis.crypto.randomUUID());
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        if (op.type !== 'mutation') return next(op).subscribe(observer);
        const key = typeof op.context.idempotencyKey === 'string' ? op.context.idempotencyKey : newKey();
        const keyed = { ...op, context: { ...op.context, idempotencyKey: key } };
        let attempt = 0;
        let subscription: Unsubscribable | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const run = () => {
          subscription = next(keyed).subscribe({
            next: (value) => observer.next(value),
            error: (error) => {
              if (attempt < retries && isRetryable(error)) {
                const delay = baseDelayMs * 2 ** attempt * (1 + Math.random() / 2);
                attempt += 1;
                timer = setTimeout(run, delay);
                return;
              }
              observer.error(error);
            },
            complete: () => observer.complete(),
          });
        };
        run();
        return () => {
          clearTimeout(timer);
          subscription?.unsubscribe();
        };
      });
}

/** For `httpLink({ headers })`: the operation's idempotency key as the header, if it has one. */
export function idempotencyHeaders({
  op,
}: {
  op: { context: Record<string, unknown> };
}): Record<string, string> {
  const key = op.context.idempotencyKey;
  return typeof key === 'string' ? { [IDEMPOTENCY_HEADER]: key } : {};
}

export interface PortalClientOptions extends RetryOptions {
  /** `/api/trpc` in the browser (same origin); a full URL elsewhere (tests, scripts). */
  url?: string;
  /** Extra headers on every request (the browser sends the session cookie instead). */
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

/**
 * The portals' tRPC client. Mutations go one per request, each with its own Idempotency-Key,
 * retried with the same key on a 503, a 409 or a network failure; queries are batched (and
 * retried by react-query).
 */
export function createPortalClient(options: PortalClientOptions = {}) {
  const { url = '/api/trpc', headers = {}, fetch, ...retry } = options;
  return createTRPCClient<AppRouter>({
    links: [
      idempotentRetryLink<AppRouter>(retry),
      splitLink({
        condition: (op) => op.type === 'mutation',
        true: httpLink({ url, fetch, headers: ({ op }) => ({ ...headers, ...idempotencyHeaders({ op }) }) }),
        // Split as the server bounds a request (`@openhouse/api/limits`): never a refused batch.
        false: httpBatchLink({
          url,
          fetch,
          headers,
          maxItems: MAX_BATCH_SIZE,
          maxURLLength: MAX_URL_CHARS / 2,
        }),
      }),
    ],
  });
}
