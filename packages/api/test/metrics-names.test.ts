import { describe, expect, it, vi } from 'vitest';

import { observePoolWait, recordFailure, recordRequest, recordRetry, renderPrometheus } from '../src/metrics';

/**
 * The exposition follows Prometheus' naming rules (as `promtool check metrics` enforces them):
 * counters end in `_total`, nothing else does; histograms carry a base unit.
 */
describe('/api/metrics names', () => {
  const pool = { total: 1, idle: 1, waiting: 0, max: 2, min: 0, maxWaiting: 5, tenantMax: 2 };

  it('pass the Prometheus conventions', async () => {
    recordRequest('names.test', 'OK', 12);
    recordFailure('pool_timeout', 'names.test');
    recordRetry('names.test');
    const text = await renderPrometheus(pool);
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({
      name: name!,
      type: type!,
    }));
    expect(types.length).toBeGreaterThan(5);
    for (const { name, type } of types) {
      expect(name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (type === 'counter') expect(name, name).toMatch(/_total$/);
      else expect(name, `${type} ${name}`).not.toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_(seconds|bytes)$/);
    }
    expect(text).toMatch(/^openhouse_db_pool_connections 1$/m);
    expect(text).toMatch(/^openhouse_trpc_request_duration_seconds_count\{route="names.test"\} 1$/m);
  });

  it("carry Node's own metrics, event-loop lag first", async () => {
    const text = await renderPrometheus(pool);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_p99_seconds gauge$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('count into one registry however often a bundle loads the module', async () => {
    // A second copy of the module, as Next's bundle layers or a dev reload make one.
    vi.resetModules();
    const again = await import('../src/metrics');
    expect(again.observePoolWait).not.toBe(observePoolWait);
    const count = async () =>
      Number(/^openhouse_db_pool_wait_seconds_count (\d+)$/m.exec(await renderPrometheus(pool))![1]);
    const before = await count();
    observePoolWait(3);
    again.observePoolWait(4);
    expect(await count()).toBe(before + 2);
  });

  it('list a tenant only while it holds or waits, and copy the pool’s own counters', async () => {
    const tenants = {
      shares: [{ tenantId: 'tenant-a', inUse: 2, waiting: 1 }],
      counters: { shed: new Map([['tenant-b', 3]]), timedOut: new Map([['tenant-a', 1]]) },
    };
    let text = await renderPrometheus(pool, tenants);
    expect(text).toMatch(/^openhouse_db_tenant_connections_in_use\{tenant="tenant-a"\} 2$/m);
    expect(text).toMatch(/^openhouse_db_tenant_waiting\{tenant="tenant-a"\} 1$/m);
    expect(text).toMatch(/^openhouse_db_tenant_shed_total\{tenant="tenant-b"\} 3$/m);
    expect(text).toMatch(/^openhouse_db_tenant_wait_timeouts_total\{tenant="tenant-a"\} 1$/m);
    tenants.shares = [];
    tenants.counters.shed.set('tenant-b', 4);
    text = await renderPrometheus(pool, tenants);
    expect(text).not.toMatch(/^openhouse_db_tenant_connections_in_use\{/m);
    expect(text).toMatch(/^openhouse_db_tenant_shed_total\{tenant="tenant-b"\} 4$/m);
  });
});
