// A deliberately unsafe reference: it opens its own pg.Client, which nothing outside packages/db
// may do (test/static/no-stray-connections.test.ts exempts bench files named *baseline*).
import pg from 'pg';

import { READ_SQL, RLS_PRELUDE, rlsPreludeParams, type NoticeRow } from '../workload';
import type { NodeWaySpec } from './way';

/**
 * Way (a), the old way: one `pg.Client` opened at start-up and shared by every request.
 *
 * RLS needs a transaction per request, and two transactions cannot share a connection: without
 * the turn-taking below, caller A's read would run inside caller B's transaction with B's claims.
 * So callers queue for the one connection, each running BEGIN; the same one-statement prelude as
 * (d); the read; COMMIT — four round trips on a non-pipelined client (pg before 8.23). Correct
 * answers, but one slow request stalls everyone, there is no statement-level isolation of
 * failures, and a dropped socket takes every caller down with it.
 */
export async function sharedClientWay(appUrl: string): Promise<NodeWaySpec> {
  const client = new pg.Client({ connectionString: appUrl, application_name: 'bench-a-shared-client' });
  // Without a listener a dropped connection crashes the process; the failure surfaces in the
  // next query anyway, which fails the cell.
  client.on('error', () => {});
  await client.connect();

  let turn: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const mine = turn.then(work);
    turn = mine.catch(() => undefined);
    return mine;
  };

  return {
    key: 'a',
    name: 'shared pg.Client (old way)',
    description:
      'one pg.Client for every caller, requests take turns: BEGIN; prelude; read; COMMIT (4 round trips)',
    unsafe: 'one connection for all: head-of-line blocking, one broken socket fails every caller',
    read: (homeowner) =>
      oneAtATime(async () => {
        await client.query('begin');
        try {
          await client.query(RLS_PRELUDE, rlsPreludeParams(homeowner));
          const { rows } = await client.query<NoticeRow>(READ_SQL);
          await client.query('commit');
          return rows;
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
      }),
    close: () => client.end(),
  };
}
