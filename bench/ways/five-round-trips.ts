import { createDatabase, loadDbEnv, poolConfigFromEnv } from '@openhouse/db';
import { requestRoleFor } from '@openhouse/db/rls';

import { POOL_MAX } from '../options';
import { READ_SQL, sqlLiteral, type NoticeRow } from '../workload';
import type { NodeWaySpec } from './way';

/**
 * Way (c), what users pick today: the pattern of Supabase's Node middleware and Drizzle's RLS
 * example — a Drizzle transaction on a pool WITHOUT pipelining, then one statement for the claims
 * and one for the role:
 *
 *   BEGIN; select set_config('request.jwt.claims', '…', true); set local role homeowner;
 *   <read>; COMMIT;
 *
 * five statements, each waiting for the previous one's reply: five round trips. Safe (both
 * settings are transaction-local). The role is the request role `withRls` would pick for the
 * claims (their originals use `authenticated`; here policies are written per request role), so
 * (c) and (d) run the read under the same policies. The claims are inlined as an escaped literal,
 * as Drizzle's example does with `sql.raw`; the pool is this project's, so it is checked out by
 * Drizzle and not by bench code.
 */
export function fiveRoundTripsWay(appUrl: string): NodeWaySpec {
  const database = createDatabase(
    {
      ...poolConfigFromEnv(
        loadDbEnv({
          DATABASE_URL: appUrl,
          DB_POOL_MAX: String(POOL_MAX),
          DB_APPLICATION_NAME: 'bench-c-five-round-trips',
        }),
      ),
      pipeline: false,
    },
    { onIdleError: () => {} },
  );

  return {
    key: 'c',
    name: 'five round trips (Supabase/Drizzle)',
    description:
      'Drizzle transaction on an unpipelined pool: BEGIN; set claims; set local role; read; COMMIT (5 round trips)',
    read: (homeowner) =>
      database.db.transaction(async (tx) => {
        await tx.execute(
          `select set_config('request.jwt.claims', ${sqlLiteral(JSON.stringify(homeowner.claims))}, true)`,
        );
        // From a fixed map of three role names, never from the token: safe to inline.
        await tx.execute(`set local role ${requestRoleFor(homeowner.claims)}`);
        const { rows } = await tx.execute<Record<string, unknown>>(READ_SQL);
        return rows as unknown as NoticeRow[];
      }),
    close: () => database.close(),
  };
}
