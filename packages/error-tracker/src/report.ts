import * as Sentry from '@sentry/nextjs';

import type { PoolStats } from '@openhouse/db';

import type { DbFailure } from './classify';
import type { SentryEnv } from './env';

/**
 * Sentry reporting for database failures. With no SENTRY_DSN nothing is initialised and every
 * call below is a cheap no-op (the SDK has no client).
 */

export function initErrorTracking(env: SentryEnv): boolean {
  if (!env.SENTRY_DSN) return false;
  Sentry.init({
    dsn: env.SENTRY_DSN,
    environment: env.SENTRY_ENVIRONMENT,
    // Errors only: traces are not sampled here.
    tracesSampleRate: 0,
  });
  return true;
}

export interface DbFailureReport {
  failure: DbFailure;
  error: unknown;
  /** The tRPC procedure path, or `pool:idle` for a failure outside any request. */
  route: string;
  procedureType?: 'query' | 'mutation' | 'subscription';
  /** The caller's tenant; never personal data. */
  tenantId?: string;
  pool: PoolStats;
  /** Wait for a pooled connection, in ms. */
  waitMs?: number;
  durationMs?: number;
}

/**
 * A burst of one failure (ten thousand timeouts on one route) is one Sentry issue anyway, grouped
 * by the fingerprint; sending every event would only fill the SDK's transport queue and drop
 * other kinds. So each kind + route sends at most {@link BURST_EVENTS} events per window, and the
 * next event sent says how many were held back.
 */
const BURST_WINDOW_MS = 10_000;
const BURST_EVENTS = 5;
const bursts = new Map<string, { windowStart: number; sent: number; suppressed: number }>();

function admit(key: string): { send: boolean; suppressed: number } {
  const now = Date.now();
  let burst = bursts.get(key);
  if (!burst || now - burst.windowStart >= BURST_WINDOW_MS) {
    burst = { windowStart: now, sent: 0, suppressed: burst?.suppressed ?? 0 };
    bursts.set(key, burst);
  }
  if (burst.sent >= BURST_EVENTS) {
    burst.suppressed++;
    return { send: false, suppressed: 0 };
  }
  burst.sent++;
  const suppressed = burst.suppressed;
  burst.suppressed = 0;
  return { send: true, suppressed };
}

export function reportDbFailure(report: DbFailureReport): void {
  const { failure, route } = report;
  const { send, suppressed } = admit(`${failure.kind}\u0000${route}`);
  if (!send) return;
  Sentry.withScope((scope) => {
    scope.setTransactionName(route);
    scope.setFingerprint(['db', failure.kind, route]);
    scope.setLevel(failure.kind === 'db_error' || failure.kind === 'client_misuse' ? 'error' : 'warning');
    scope.setTags({
      route,
      'db.failure': failure.kind,
      'db.sqlstate': failure.sqlState ?? 'none',
      'trpc.type': report.procedureType ?? 'none',
      tenant_id: report.tenantId ?? 'none',
    });
    scope.setContext('pool', {
      total: report.pool.total,
      idle: report.pool.idle,
      waiting: report.pool.waiting,
      max: report.pool.max,
      wait_ms: report.waitMs === undefined ? null : Math.round(report.waitMs),
      duration_ms: report.durationMs === undefined ? null : Math.round(report.durationMs),
      suppressed_since_last: suppressed,
    });
    Sentry.captureException(report.error instanceof Error ? report.error : new Error(failure.message));
  });
}

/** Waits for queued events to be sent (tests; shutdown). */
export function flushErrorTracking(timeoutMs = 2_000): Promise<boolean> {
  return Sentry.flush(timeoutMs);
}

export const captureRequestError = Sentry.captureRequestError;
