import { processSingleton } from '@openhouse/env';

import type { SentryEnv } from './env';
import { scrubEvent } from './scrub';
import { Sentry } from './sdk';
import { PRESAMPLED, tracingState } from './trace';

/**
 * Sentry for the platform: initialise it, and send a database failure given plain data. What the
 * failure is and how bad it is are decided by the caller (`@openhouse/api` observe.ts, from the
 * classification `@openhouse/db` made); this only knows how Sentry wants to hear it. With no
 * SENTRY_DSN nothing is initialised and every call below is a cheap no-op (the SDK has no client).
 */

export function initErrorTracking(env: SentryEnv): boolean {
  if (!env.SENTRY_DSN) {
    tracingState().on = false;
    return false;
  }
  const tracing = env.SENTRY_TRACES_SAMPLE_RATE !== undefined;
  Sentry.init({
    dsn: env.SENTRY_DSN,
    environment: env.SENTRY_ENVIRONMENT,
    // Unset without SENTRY_TRACES_SAMPLE_RATE (not 0, which would still create unsampled spans).
    ...(tracing
      ? {
          // tRPC calls are sampled in trace.ts, before they start a span; the rest at the same rate.
          tracesSampler: ({ attributes, inheritOrSampleWith }) =>
            attributes?.[PRESAMPLED] ? 1 : inheritOrSampleWith(env.SENTRY_TRACES_SAMPLE_RATE!),
        }
      : {}),
    // One transaction per call, scrubbed whole by beforeSendTransaction (streamed spans would skip it).
    traceLifecycle: 'static',
    // Never SQL parameters or personal data: see scrubEvent.
    beforeSend: (event) => scrubEvent(event),
    beforeSendTransaction: (event) => scrubEvent(event),
  });
  Object.assign(tracingState(), { on: tracing, rate: env.SENTRY_TRACES_SAMPLE_RATE ?? 0 });
  return true;
}

export interface DbFailureReport {
  /** The failure's kind (`pool_timeout`, …): with the route, it names the Sentry issue. */
  kind: string;
  /** SQLSTATE, when the server sent one. */
  sqlState?: string;
  /** `error` for what is a bug, `warning` for what load or an outage causes. */
  level: 'error' | 'warning';
  /** Sent as the exception; when it is not an `Error`, `message` is sent instead. */
  error: unknown;
  message: string;
  /** The tRPC procedure path, or where else the failure happened. */
  route: string;
  procedureType?: 'query' | 'mutation' | 'subscription';
  /** The caller's tenant; never personal data. */
  tenantId?: string;
  pool: { total: number; idle: number; waiting: number; max: number };
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

interface Burst {
  windowStart: number;
  sent: number;
  suppressed: number;
}

/** By kind, then route; one per process, whichever bundle layer reports. */
const bursts = () => processSingleton('error-tracker.bursts', () => new Map<string, Map<string, Burst>>());

function admit(kind: string, route: string): { send: boolean; suppressed: number } {
  const now = Date.now();
  const byKind = bursts();
  let byRoute = byKind.get(kind);
  if (!byRoute) byKind.set(kind, (byRoute = new Map()));
  let burst = byRoute.get(route);
  if (!burst || now - burst.windowStart >= BURST_WINDOW_MS) {
    burst = { windowStart: now, sent: 0, suppressed: burst?.suppressed ?? 0 };
    byRoute.set(route, burst);
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
  const { kind, route } = report;
  const { send, suppressed } = admit(kind, route);
  if (!send) return;
  Sentry.withScope((scope) => {
    scope.setTransactionName(route);
    scope.setFingerprint(['db', kind, route]);
    scope.setLevel(report.level);
    scope.setTags({
      route,
      'db.failure': kind,
      'db.sqlstate': report.sqlState ?? 'none',
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
    Sentry.captureException(report.error instanceof Error ? report.error : new Error(report.message));
  });
}

/** Waits for queued events to be sent (tests; shutdown). */
export function flushErrorTracking(timeoutMs = 2_000): Promise<boolean> {
  return Sentry.flush(timeoutMs);
}

export const captureRequestError = Sentry.captureRequestError;
