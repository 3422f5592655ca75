import type { DbFailureKind, PoolStats } from '@openhouse/db';
import { processSingleton } from '@openhouse/env';

/**
 * In-process counters for `GET /api/metrics` (Prometheus text format) and the operations page.
 * One registry per process (`processSingleton`): the start-up hook and the route handlers may be
 * different Next.js bundle layers and must count into the same place.
 */

const WAIT_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RECENT_FAILURES = 200;

export interface RecentFailure {
  at: string;
  kind: DbFailureKind;
  route: string;
  sqlState?: string;
}

/** A count per pair of labels, kept as a map of maps so the labels come back typed, not split. */
class PairCounter<A extends string, B extends string> {
  private readonly counts = new Map<A, Map<B, number>>();

  increment(a: A, b: B): void {
    let inner = this.counts.get(a);
    if (!inner) this.counts.set(a, (inner = new Map()));
    inner.set(b, (inner.get(b) ?? 0) + 1);
  }

  *entries(): Generator<[A, B, number]> {
    for (const [a, inner] of this.counts) for (const [b, count] of inner) yield [a, b, count];
  }
}

interface Registry {
  /** By route, then tRPC code (`OK` for success). */
  requests: PairCounter<string, string>;
  /** By failure kind, then route. */
  failures: PairCounter<DbFailureKind, string>;
  /** By route. */
  retries: Map<string, number>;
  waitBuckets: number[];
  waitCount: number;
  waitSum: number;
  recent: RecentFailure[];
}

const registry = (): Registry =>
  processSingleton('api.metrics', () => ({
    requests: new PairCounter(),
    failures: new PairCounter(),
    retries: new Map(),
    waitBuckets: WAIT_BUCKETS_SECONDS.map(() => 0),
    waitCount: 0,
    waitSum: 0,
    recent: [],
  }));

export function recordRequest(route: string, code: string): void {
  registry().requests.increment(route, code);
}

export function recordFailure(kind: DbFailureKind, route: string, sqlState?: string): void {
  const r = registry();
  r.failures.increment(kind, route);
  r.recent.push({ at: new Date().toISOString(), kind, route, sqlState });
  if (r.recent.length > RECENT_FAILURES) r.recent.splice(0, r.recent.length - RECENT_FAILURES);
}

export function recordRetry(route: string): void {
  const { retries } = registry();
  retries.set(route, (retries.get(route) ?? 0) + 1);
}

export function observePoolWait(waitMs: number): void {
  const r = registry();
  const seconds = waitMs / 1000;
  WAIT_BUCKETS_SECONDS.forEach((bound, i) => {
    if (seconds <= bound) r.waitBuckets[i]!++;
  });
  r.waitCount++;
  r.waitSum += seconds;
}

export function recentFailures(): RecentFailure[] {
  return [...registry().recent].reverse();
}

export function failureCounts(): { kind: DbFailureKind; route: string; count: number }[] {
  return [...registry().failures.entries()].map(([kind, route, count]) => ({ kind, route, count }));
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The Prometheus text exposition of everything above plus the pool's gauges. */
export function renderPrometheus(pool: PoolStats): string {
  const r = registry();
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number) =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
  gauge('openhouse_db_pool_connections', 'Open connections in the pool (idle and in use).', pool.total);
  gauge('openhouse_db_pool_idle', 'Idle connections in the pool.', pool.idle);
  gauge('openhouse_db_pool_waiting', 'Requests waiting for a connection.', pool.waiting);
  gauge('openhouse_db_pool_max', 'DB_POOL_MAX.', pool.max);
  gauge('openhouse_db_pool_min', 'DB_POOL_MIN.', pool.min);

  lines.push(
    '# HELP openhouse_db_pool_wait_seconds Time a request waited for a pooled connection.',
    '# TYPE openhouse_db_pool_wait_seconds histogram',
  );
  WAIT_BUCKETS_SECONDS.forEach((bound, i) =>
    lines.push(`openhouse_db_pool_wait_seconds_bucket{le="${bound}"} ${r.waitBuckets[i]}`),
  );
  lines.push(
    `openhouse_db_pool_wait_seconds_bucket{le="+Inf"} ${r.waitCount}`,
    `openhouse_db_pool_wait_seconds_sum ${r.waitSum}`,
    `openhouse_db_pool_wait_seconds_count ${r.waitCount}`,
  );

  lines.push(
    '# HELP openhouse_db_failures_total Database failures by kind and route.',
    '# TYPE openhouse_db_failures_total counter',
  );
  for (const [kind, route, count] of r.failures.entries()) {
    lines.push(`openhouse_db_failures_total{kind="${label(kind)}",route="${label(route)}"} ${count}`);
  }
  lines.push(
    '# HELP openhouse_db_retries_total Queries retried once on a fresh connection.',
    '# TYPE openhouse_db_retries_total counter',
  );
  for (const [route, count] of r.retries)
    lines.push(`openhouse_db_retries_total{route="${label(route)}"} ${count}`);
  lines.push(
    '# HELP openhouse_trpc_requests_total tRPC calls by route and outcome.',
    '# TYPE openhouse_trpc_requests_total counter',
  );
  for (const [route, code, count] of r.requests.entries()) {
    lines.push(`openhouse_trpc_requests_total{route="${label(route)}",code="${label(code)}"} ${count}`);
  }
  return `${lines.join('\n')}\n`;
}
