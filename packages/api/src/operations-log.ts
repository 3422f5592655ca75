import type { DbFailureKind } from '@openhouse/db';
import { processSingleton } from '@openhouse/env';

/**
 * The operations page's failure log, kept apart by whose failure it was: a tenant's requests,
 * or the process's own (an idle pooled client dying), which belongs to no tenant. Staff see
 * their tenant's and the process's, never another tenant's: which procedures another tenant
 * calls, when, and how they fail is that tenant's business. `/api/metrics` (behind its token)
 * keeps the process-wide totals.
 */

const RECENT_PER_SCOPE = 50;

export interface ScopedFailure {
  at: string;
  kind: DbFailureKind;
  route: string;
  sqlState?: string;
}

interface ScopeLog {
  counts: Map<string, { kind: DbFailureKind; route: string; count: number }>;
  /** Oldest first. */
  recent: ScopedFailure[];
}

/** The key of the process's own failures; tenant ids are uuids, never empty. */
const PROCESS_SCOPE = '';

const logs = () => processSingleton('api.operations-log', () => new Map<string, ScopeLog>());

/** Counts a failure under `tenantId`, or under the process when no tenant's request had it. */
export function recordScopedFailure(
  tenantId: string | null | undefined,
  failure: { kind: DbFailureKind; route: string; sqlState?: string },
): void {
  const scope = tenantId || PROCESS_SCOPE;
  let log = logs().get(scope);
  if (!log) logs().set(scope, (log = { counts: new Map(), recent: [] }));
  const key = `${failure.kind}\u0000${failure.route}`;
  const row = log.counts.get(key) ?? { kind: failure.kind, route: failure.route, count: 0 };
  row.count++;
  log.counts.set(key, row);
  log.recent.push({ at: new Date().toISOString(), ...failure });
  if (log.recent.length > RECENT_PER_SCOPE) log.recent.splice(0, log.recent.length - RECENT_PER_SCOPE);
}

/** What a tenant's staff may see: their tenant's failures and the process's own, newest first. */
export function failuresVisibleTo(tenantId: string): {
  failures: { kind: DbFailureKind; route: string; count: number }[];
  recent: ScopedFailure[];
} {
  const scopes = [logs().get(tenantId), logs().get(PROCESS_SCOPE)].filter((log) => log !== undefined);
  return {
    failures: scopes.flatMap((log) => [...log.counts.values()].map((row) => ({ ...row }))),
    recent: scopes
      .flatMap((log) => log.recent)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, RECENT_PER_SCOPE),
  };
}
