import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

import type * as schema from './schema';

/** Drizzle over this schema: a pooled transaction inside `withRls`, or the pool itself. */
export type Db = NodePgDatabase<typeof schema>;
