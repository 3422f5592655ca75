import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPCError } from '@trpc/server';

import { classifyDbFailure, type DbFailure, type PoolStats } from '@openhouse/db';
import { reportDbFailure } from '@openhouse/error-tracker';

import type { Context } from './context';
import { recordFailure, recordRequest } from './metrics';
import { recordScopedFailure } from './operations-log';

/**
 * After every call: count it by route and outcome, and when it failed in the database layer with
 * a 5xx, count the failure by kind and report it to Sentry with its route and the pool's state.
 * Expected 4xx (validation, 401, 403, 404, RLS refusals) are counted, never reported.
 */

/** The route a failure outside any request (an idle pooled client dying) is counted under. */
export const IDLE_POOL_ROUTE = 'pool:idle';

/** A bug in the code (reported as an error) rather than what load or an outage causes (a warning). */
const levelOf = (failure: DbFailure) =>
  failure.kind === 'db_error' || failure.kind === 'client_misuse' ? 'error' : 'warning';

export function observeCall(
  ctx: Context,
  call: { path: string; type: 'query' | 'mutation' | 'subscription'; durationMs: number },
  outcome: { error?: TRPCError; cause?: unknown; failure?: DbFailure },
): void {
  recordRequest(call.path, outcome.error?.code ?? 'OK', call.durationMs);
  const { error, failure } = outcome;
  if (!error || !failure || getHTTPStatusCodeFromError(error) < 500) return;
  recordFailure(failure.kind, call.path, failure.sqlState);
  recordScopedFailure(ctx.claims?.tenant_id, {
    kind: failure.kind,
    route: call.path,
    sqlState: failure.sqlState,
  });
  reportDbFailure({
    kind: failure.kind,
    sqlState: failure.sqlState,
    level: levelOf(failure),
    error: outcome.cause,
    message: failure.message,
    route: call.path,
    procedureType: call.type,
    tenantId: ctx.claims?.tenant_id,
    pool: ctx.database.stats(),
    waitMs: failure.waitMs,
    durationMs: call.durationMs,
  });
}

/**
 * An idle pooled client died (server restart, killed backend); the pool has already dropped it
 * and classified the error (`idle_client_error`) before any listener runs.
 */
export function reportIdleClientError(error: Error, pool: PoolStats): void {
  const failure = classifyDbFailure(error)!;
  console.warn(`[db] idle client error, client discarded: ${error.message}`);
  recordFailure(failure.kind, IDLE_POOL_ROUTE, failure.sqlState);
  recordScopedFailure(null, { kind: failure.kind, route: IDLE_POOL_ROUTE, sqlState: failure.sqlState });
  reportDbFailure({
    kind: failure.kind,
    sqlState: failure.sqlState,
    level: levelOf(failure),
    error,
    message: error.message,
    route: IDLE_POOL_ROUTE,
    pool,
  });
}
