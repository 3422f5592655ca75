import { sql, type Placeholder } from 'drizzle-orm';

import type { Db } from './types';

/** A placeholder for each value that is present; an absent (`undefined`) value has none. */
export type Placeholders<Values> = {
  [Name in keyof Values]: undefined extends Values[Name] ? Placeholder | undefined : Placeholder;
};

/**
 * A query built once per pooled connection and shape, then only filled in. Drizzle rebuilds a
 * query's SQL from its parts on every call — about 100 µs for a page of the noticeboard, more
 * than the rest of the procedure's own work — where a prepared query only fills its placeholders.
 *
 * `build` gets a `sql.placeholder` for each of `values` that is present and leaves an absent one's
 * part of the SQL out; the shape — `name` plus which values are present — is the cache key, so
 * `name` must say whatever else changes the SQL (a fixed choice such as an audience). No value
 * goes into the SQL itself, so one caller's values cannot reach another's query.
 *
 * Prepare it with an empty name (`.prepare('')`): on the wire it is then an unnamed statement,
 * parsed with each execution like any other query, so nothing lives on the server connection and
 * transaction-mode poolers (PgBouncer, Supavisor) stay safe. The queries of a connection go with
 * it: the cache is keyed by its Drizzle instance (`rls.ts`, one per client).
 */
export function preparedFor<Values extends Record<string, unknown>, Query>(
  db: Db,
  name: string,
  values: Values,
  build: (placeholders: Placeholders<Values>, db: Db) => Query,
): Query {
  const present = Object.keys(values).filter((value) => values[value] !== undefined);
  const key = `${name} ${present.join(' ')}`;
  let queries = preparedByDb.get(db);
  if (!queries) {
    queries = new Map();
    preparedByDb.set(db, queries);
  }
  let query = queries.get(key) as Query | undefined;
  if (query === undefined) {
    const placeholders = Object.fromEntries(present.map((value) => [value, sql.placeholder(value)]));
    query = build(placeholders as Placeholders<Values>, db);
    queries.set(key, query);
  }
  return query;
}

const preparedByDb = new WeakMap<Db, Map<string, unknown>>();
