import { processSingleton } from '@openhouse/env';

import { Sentry } from './sdk';

/**
 * Tracing, when SENTRY_TRACES_SAMPLE_RATE is set: each tRPC call is a Sentry transaction named by
 * its procedure path, with spans for the wait for a pooled connection, the RLS transaction and
 * the assistant's model call. Off (the default), every function here calls straight through after
 * reading one flag: no span objects, no context switches.
 */

/** Set by `initErrorTracking`; one per process, since Next.js loads this module once per bundle layer. */
export const tracingState = () => processSingleton('error-tracker.tracing', () => ({ on: false, rate: 0 }));

/** Marks a call this module sampled already (`tracesSampler` in report.ts keeps it). */
export const PRESAMPLED = 'openhouse.presampled';

/** Milliseconds since the epoch with sub-millisecond precision (Sentry reads large numbers as ms). */
const nowMs = () => performance.timeOrigin + performance.now();

/** Runs one tRPC call as its own transaction, named by the procedure path. */
export function traceProcedure<T>(
  path: string,
  type: string,
  run: () => Promise<T>,
  succeeded: (result: T) => boolean = () => true,
): Promise<T> {
  const state = tracingState();
  if (!state.on) return run();
  // Sampled before any span exists (or as the request's span was): a call left out starts no span,
  // no context and no instrumented query spans — at 0.1, nine calls in ten cost next to nothing.
  const parent = Sentry.getActiveSpan();
  if (parent ? !parent.isRecording() : Math.random() >= state.rate) return run();
  return Sentry.startSpan(
    {
      name: path,
      op: `trpc.${type}`,
      forceTransaction: true,
      attributes: { 'sentry.source': 'route', 'trpc.procedure': path, [PRESAMPLED]: true },
    },
    async (span) => {
      const result = await run();
      span.setStatus(succeeded(result) ? { code: 1 } : { code: 2, message: 'internal_error' });
      return result;
    },
  );
}

/** A span around one step of a traced call (the assistant's model call). */
export function traceStep<T>(name: string, op: string, run: () => Promise<T>): Promise<T> {
  if (!sampledCall()) return run();
  return Sentry.startSpan({ name, op }, run);
}

/** Inside a call that was sampled: the 90 % left out at a rate of 0.1 pay for no child spans. */
const sampledCall = () => tracingState().on && Sentry.getActiveSpan()?.isRecording() === true;

/**
 * The database's `trace` hook (`DatabaseOptions.trace`): wraps one `withRls` call. The wait for a
 * connection and the transaction are told apart only inside the pool, which reports the wait
 * (`acquired`, also for a wait that ended in a timeout); both spans are recorded at the end, with
 * their real start and end times.
 */
export function traceRlsTransaction<T>(run: (acquired: (waitMs: number) => void) => Promise<T>): Promise<T> {
  if (!sampledCall()) return run(() => undefined);
  const startedAt = nowMs();
  let acquiredAt: number | undefined;
  // A transaction does I/O (BEGIN, ROLLBACK) before it can fail; a failed wait rejects at once. So
  // a failure before the next turn of the event loop after `acquired` was the wait's, not a query's.
  let connected = false;
  let turn: NodeJS.Immediate | undefined;
  const span = (name: string, op: string, from: number, to: number, ok: boolean) => {
    const recorded = Sentry.startInactiveSpan({ name, op, startTime: from });
    if (!ok) recorded.setStatus({ code: 2, message: 'internal_error' });
    recorded.end(to);
  };
  const finish = (ok: boolean) => {
    if (turn) clearImmediate(turn);
    const end = nowMs();
    if (acquiredAt === undefined || (!ok && !connected)) {
      // Shed, or timed out waiting: the request never had a connection.
      span('pool wait', 'db.pool.wait', startedAt, acquiredAt ?? end, false);
      return;
    }
    span('pool wait', 'db.pool.wait', startedAt, acquiredAt, true);
    span('transaction', 'db.transaction', acquiredAt, end, ok);
  };
  return run((waitMs) => {
    acquiredAt = startedAt + waitMs;
    turn = setImmediate(() => (connected = true));
  }).then(
    (result) => (finish(true), result),
    (error: unknown) => {
      finish(false);
      throw error;
    },
  );
}
