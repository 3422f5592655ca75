import { describe, expect, it } from 'vitest';

import { recordFailure, recordRequest, recordRetry, renderPrometheus } from '../src/metrics';

/**
 * The exposition follows Prometheus' naming rules (as `promtool check metrics` enforces them):
 * counters end in `_total`, nothing else does; histograms carry a base unit.
 */
describe('/api/metrics names', () => {
  it('pass the Prometheus conventions', () => {
    recordRequest('names.test', 'OK');
    recordFailure('pool_timeout', 'names.test');
    recordRetry('names.test');
    const text = renderPrometheus({ total: 1, idle: 1, waiting: 0, max: 2, min: 0, maxWaiting: 5 });
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
  });
});
