import { createDatabase, loadDbEnv, poolConfigFromEnv, type Database } from '@openhouse/db';

import { POOL_MAX, POOL_MIN } from '../options';
import { READ_SQL, STATEMENT_TIMEOUT_MS, type NoticeRow } from '../workload';
import type { NodeWaySpec } from './way';

/** The app's pool, built exactly as the app builds it: from the parsed environment. */
export function appDatabase(
  appUrl: string,
  applicationName: string,
  env: Record<string, string> = {},
): Database {
  return createDatabase(
    poolConfigFromEnv(
      loadDbEnv({
        DATABASE_URL: appUrl,
        DB_POOL_MAX: String(POOL_MAX),
        DB_POOL_MIN: String(POOL_MIN),
        DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        DB_APPLICATION_NAME: applicationName,
        ...env,
      }),
    ),
    { onIdleError: () => {} },
  );
}

/**
 * Way (d), this project: `database.withRls` on the pipelined pool. BEGIN and the one-statement
 * prelude (role, claims, statement timeout) are written without waiting, the read follows in the
 * same burst, then COMMIT: two round trips for a one-query request.
 */
export function withRlsWay(appUrl: string): NodeWaySpec {
  const database = appDatabase(appUrl, 'bench-d-with-rls');
  return {
    key: 'd',
    name: 'withRls (this project)',
    description:
      'database.withRls, pipelined: BEGIN + one-statement prelude + read in one burst, then COMMIT (2 round trips)',
    // Read only, as the API runs every query: COMMIT then needs no transaction id sent with it.
    read: (homeowner) =>
      database.withRls(
        homeowner.claims,
        async (tx) => {
          const { rows } = await tx.execute<Record<string, unknown>>(READ_SQL);
          return rows as unknown as NoticeRow[];
        },
        { readOnly: true },
      ),
    close: () => database.close(),
  };
}
