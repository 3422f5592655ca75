// A deliberately unsafe reference: it opens its own pg.Pool as the owner, which nothing outside
// packages/db may do (test/static/no-stray-connections.test.ts exempts bench files named *baseline*).
import pg from 'pg';

import { POOL_MAX } from '../options';
import { UNSAFE_READ_SQL, type NoticeRow } from '../workload';
import type { NodeWaySpec } from './way';

/**
 * Way (b), the driver's ceiling: `pool.query` — one statement, one round trip, no transaction —
 * as the owner, which RLS does not apply to, with the policy written out as a WHERE clause.
 * UNSAFE and for reference only: one forgotten WHERE and a tenant reads another tenant's data.
 */
export function barePoolWay(adminUrl: string): NodeWaySpec {
  const pool = new pg.Pool({
    connectionString: adminUrl,
    max: POOL_MAX,
    application_name: 'bench-b-bare-pool',
  });
  // An idle client's error would crash the process without a listener; the pool discards it.
  pool.on('error', () => {});

  return {
    key: 'b',
    name: 'bare pool.query, no RLS',
    description: 'pool.query as the owner with the policy as a WHERE clause: 1 statement, 1 round trip',
    unsafe: 'no RLS: runs as the table owner and relies on every query carrying the right WHERE',
    async read({ user }) {
      const { rows } = await pool.query<NoticeRow>(UNSAFE_READ_SQL, [
        user.tenantId,
        user.developmentId,
        user.houseId,
      ]);
      return rows;
    },
    close: () => pool.end(),
  };
}
