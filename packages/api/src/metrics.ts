import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { DbFailureKind, FairShareCounters, PoolStats, TenantShare } from '@openhouse/db';
import { processSingleton } from '@openhouse/env';

/**
 * The metrics behind `GET /api/metrics` (prom-client, Prometheus text format) and the operations
 * page. One registry per process (`processSingleton`): the start-up hook and the route handlers may
 * be different Next.js bundle layers, and dev reloads modules, yet all must count into one place
 * and register each metric once.
 */

const WAIT_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const RECENT_FAILURES = 200;

/**
 * prom-client's default metrics include three gauges named `*_total` (active handles, requests,
 * resources); a gauge must not end in `_total`, and the per-type gauges beside them say the same.
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface RecentFailure {
  at: string;
  kind: DbFailureKind;
  route: string;
  sqlState?: string;
}

function createMetrics() {
  const registry = new Registry();
  // Event-loop lag above all: a blocked loop is what turns a healthy pool into timeouts.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  const registers = [registry];
  const tenantLabels = ['tenant'] as const;
  return {
    registry,
    /** The failures by kind and route, readable at once (`failureCounts`) for the operations page. */
    failureCounts: new Map<DbFailureKind, Map<string, number>>(),
    recent: [] as RecentFailure[],
    requests: new Counter({
      name: 'openhouse_trpc_requests_total',
      help: 'tRPC calls by route and outcome.',
      labelNames: ['route', 'code'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'openhouse_trpc_request_duration_seconds',
      help: 'tRPC call duration by route, pool wait included.',
      labelNames: ['route'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers,
    }),
    failures: new Counter({
      name: 'openhouse_db_failures_total',
      help: 'Database failures by kind and route.',
      labelNames: ['kind', 'route'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'openhouse_db_retries_total',
      help: 'Queries retried once on a fresh connection.',
      labelNames: ['route'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'openhouse_rate_limited_total',
      help: 'Calls refused by a per-user rate limit (429), by limit.',
      labelNames: ['limit'] as const,
      registers,
    }),
    poolWait: new Histogram({
      name: 'openhouse_db_pool_wait_seconds',
      help: 'Time a request waited for a pooled connection.',
      buckets: WAIT_BUCKETS_SECONDS,
      registers,
    }),
    pool: {
      connections: new Gauge({
        name: 'openhouse_db_pool_connections',
        help: 'Open connections in the pool (idle and in use).',
        registers,
      }),
      idle: new Gauge({ name: 'openhouse_db_pool_idle', help: 'Idle connections in the pool.', registers }),
      waiting: new Gauge({
        name: 'openhouse_db_pool_waiting',
        help: 'Requests waiting for a connection.',
        registers,
      }),
      max: new Gauge({ name: 'openhouse_db_pool_max', help: 'DB_POOL_MAX.', registers }),
      min: new Gauge({ name: 'openhouse_db_pool_min', help: 'DB_POOL_MIN.', registers }),
      tenantMax: new Gauge({
        name: 'openhouse_db_pool_tenant_max',
        help: 'Most connections one tenant may hold (DB_POOL_TENANT_MAX).',
        registers,
      }),
    },
    tenant: {
      inUse: new Gauge({
        name: 'openhouse_db_tenant_connections_in_use',
        help: 'Connections a tenant holds now (tenants holding or waiting only).',
        labelNames: tenantLabels,
        registers,
      }),
      waiting: new Gauge({
        name: 'openhouse_db_tenant_waiting',
        help: 'Requests of a tenant waiting for a connection now.',
        labelNames: tenantLabels,
        registers,
      }),
      shed: new Counter({
        name: 'openhouse_db_tenant_shed_total',
        help: 'Requests of a tenant refused a place in the queue (503).',
        labelNames: tenantLabels,
        registers,
      }),
      timedOut: new Counter({
        name: 'openhouse_db_tenant_wait_timeouts_total',
        help: 'Requests of a tenant that waited the whole connection timeout (503).',
        labelNames: tenantLabels,
        registers,
      }),
    },
  };
}

const metrics = () => processSingleton('api.metrics.prom', createMetrics);

export function recordRequest(route: string, code: string, durationMs?: number): void {
  const m = metrics();
  m.requests.inc({ route, code });
  if (durationMs !== undefined) m.requestDuration.observe({ route }, durationMs / 1000);
}

export function recordFailure(kind: DbFailureKind, route: string, sqlState?: string): void {
  const m = metrics();
  m.failures.inc({ kind, route });
  let byRoute = m.failureCounts.get(kind);
  if (!byRoute) m.failureCounts.set(kind, (byRoute = new Map()));
  byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
  m.recent.push({ at: new Date().toISOString(), kind, route, sqlState });
  if (m.recent.length > RECENT_FAILURES) m.recent.splice(0, m.recent.length - RECENT_FAILURES);
}

export function recordRetry(route: string): void {
  metrics().retries.inc({ route });
}

export function recordRateLimited(limitName: string): void {
  metrics().rateLimited.inc({ limit: limitName });
}

export function observePoolWait(waitMs: number): void {
  metrics().poolWait.observe(waitMs / 1000);
}

export function recentFailures(): RecentFailure[] {
  return [...metrics().recent].reverse();
}

export function failureCounts(): { kind: DbFailureKind; route: string; count: number }[] {
  return [...metrics().failureCounts].flatMap(([kind, byRoute]) =>
    [...byRoute].map(([route, count]) => ({ kind, route, count })),
  );
}

/** The pool's share-out between tenants (`Database.tenantShares()` and `.tenantCounters`). */
export interface TenantPoolView {
  shares: TenantShare[];
  counters: FairShareCounters;
}

/** The content type of {@link renderPrometheus}'s text. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The Prometheus text exposition: the counters and histograms above, Node's default metrics, and
 * the pool's gauges as they are now. Per-tenant gauges list only tenants holding or waiting for a
 * connection now, so their number stays that of the active tenants, not of every tenant the
 * instance ever served; the per-tenant counters are the pool's own, copied as they stand.
 */
export function renderPrometheus(
  pool: PoolStats,
  tenants: TenantPoolView = { shares: [], counters: { shed: new Map(), timedOut: new Map() } },
): Promise<string> {
  const m = metrics();
  m.pool.connections.set(pool.total);
  m.pool.idle.set(pool.idle);
  m.pool.waiting.set(pool.waiting);
  m.pool.max.set(pool.max);
  m.pool.min.set(pool.min);
  if (pool.tenantMax !== undefined) m.pool.tenantMax.set(pool.tenantMax);
  m.tenant.inUse.reset();
  m.tenant.waiting.reset();
  for (const share of tenants.shares) {
    m.tenant.inUse.set({ tenant: share.tenantId }, share.inUse);
    m.tenant.waiting.set({ tenant: share.tenantId }, share.waiting);
  }
  for (const [counter, values] of [
    [m.tenant.shed, tenants.counters.shed],
    [m.tenant.timedOut, tenants.counters.timedOut],
  ] as const) {
    counter.reset();
    for (const [tenant, count] of values) counter.inc({ tenant }, count);
  }
  return m.registry.metrics();
}
