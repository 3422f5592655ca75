import { sql, type Placeholder } from 'drizzle-orm';

import type { Db } from './types';

/**
 * A query built once per pooled connection and then only filled in. Drizzle rebuilds a query's
 * SQL from its parts on every call — about 100 µs for a page of the noticeboard, more than the
 * rest of the procedure's own work — where a prepared query only fills its placeholders.
 *
 * Prepare it with an empty name (`.prepare('')`): on the wire it is then an unnamed statement,
 * parsed with each execution like any other query, so nothing lives on the server connection and
 * transaction-mode poolers (PgBouncer, Supavisor) stay safe. `key` must name everything that
 * changes the SQL (which filters are present, say); every value goes in as `sql.placeholder(…)`,
 * never into the SQL itself, so one caller's values cannot reach another's query. The queries of
 * a connection go with it: the cache is keyed by its Drizzle instance (`rls.ts`, one per client).
 */
export function preparedFor<Query>(db: Db, key: string, build: (db: Db) => Query): Query {
  let queries = preparedByDb.get(db);
  if (!queries) {
    queries = new Map();
    preparedByDb.set(db, queries);
  }
  let query = queries.get(key) as Query | undefined;
  if (query === undefined) {
    query = build(db);
    queries.set(key, query);
  }
  return query;
}

const preparedByDb = new WeakMap<Db, Map<string, unknown>>();

/**
 * A placeholder named after each of `values` that is present, for building a prepared query whose
 * `execute(values)` fills them; an absent (`undefined`) value has none, and its part of the SQL is
 * left out — which is why `preparedFor`'s key names the values present.
 */
export function placeholders<Values extends Record<string, unknown>>(
  values: Values,
): { [Name in keyof Values]: undefined extends Values[Name] ? Placeholder | undefined : Placeholder } {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value === undefined ? undefined : sql.placeholder(name),
    ]),
  ) as never;
}
