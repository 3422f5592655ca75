import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPCError } from '@trpc/server';

import { failureContextOf, type PoolStats } from '@openhouse/db';
import { classifyDbFailure, reportDbFailure } from '@openhouse/error-tracker';

import type { Context } from './context';
import { recordFailure, recordRequest } from './metrics';

/**
 * After every call: count it by route and outcome, and when it failed in the database layer with
 * a 5xx, count the failure by kind and report it to Sentry with its route and the pool's state.
 * Expected 4xx (validation, 401, 403, 404, RLS refusals) are counted, never reported.
 */
export function observeCall(
  ctx: Context,
  call: { path: string; type: 'query' | 'mutation' | 'subscription'; durationMs: number },
  outcome: { error?: TRPCError; cause?: unknown },
): void {
  recordRequest(call.path, outcome.error?.code ?? 'OK');
  if (!outcome.error || getHTTPStatusCodeFromError(outcome.error) < 500) return;
  const failure = classifyDbFailure(outcome.cause);
  if (!failure) return;
  recordFailure(failure.kind, call.path, failure.sqlState);
  reportDbFailure({
    failure,
    error: outcome.cause,
    route: call.path,
    procedureType: call.type,
    tenantId: ctx.claims?.tenant_id,
    pool: ctx.database.stats(),
    waitMs: failureContextOf(outcome.cause)?.waitMs,
    durationMs: call.durationMs,
  });
}

/** An idle pooled client died (server restart, killed backend); the pool has already dropped it. */
export function reportIdleClientError(error: Error, pool: PoolStats): void {
  const route = 'pool:idle';
  const sqlState = classifyDbFailure(error)?.sqlState;
  console.warn(`[db] idle client error, client discarded: ${error.message}`);
  recordFailure('idle_client_error', route, sqlState);
  reportDbFailure({
    failure: { kind: 'idle_client_error', sqlState, message: error.message },
    error,
    route,
    pool,
  });
}
