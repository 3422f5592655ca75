import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { withAdminClient } from '@openhouse/db/admin';
import { seedAtScale, type SeedScale } from '@openhouse/seed';

import { provisionDatabase } from './postgres';
import { createProgress } from './progress';
import type { Teardown } from './teardown';

/**
 * The one way `pnpm load` and `pnpm bench` make a database to measure: on a server they already
 * have (`startPostgres`), provision a database of the run's own, seed it at a scale with
 * `seedAtScale`, and leave it vacuumed and analysed. Both tools call this once per scale they
 * compare, on the same server.
 */

export type { SeedScale } from '@openhouse/seed';

/** Row counts of the tables that grow with the scale, for the reports. */
export type DataSizes = Record<(typeof SIZED_TABLES)[number], number>;

const SIZED_TABLES = [
  'tenants',
  'developments',
  'houses',
  'profiles',
  'notices',
  'documents',
  'document_passages',
  'chat_threads',
  'chat_messages',
  'analytics_events',
] as const;

export interface ScaledDatabase {
  scale: SeedScale;
  name: string;
  /** Owner URL of this database. */
  adminUrl: string;
  /** The app's login role on it. */
  appUrl: string;
  /** What `seedAtScale` reported it loaded. */
  seeded: Record<string, number>;
  /** Counted after seeding (and after `afterSeed`). */
  sizes: DataSizes;
  /** Migrate + seed + vacuum, wall clock. */
  preparedSeconds: number;
}

export async function createScaledDatabase(options: {
  /** Superuser URL of the server (any database). */
  serverUrl: string;
  /** Database name prefix, e.g. `openhouse_load`; the scale and a random suffix follow. */
  prefix: string;
  appRole: string;
  appPassword: string;
  scale: SeedScale;
  /** On a shared server drop the database afterwards; an embedded server is deleted whole. */
  dropAfterwards: boolean;
  teardown: Teardown;
  log: (line: string) => void;
  /** Extra rows of the caller's own, loaded before vacuum and counting (the bench's notices). */
  afterSeed?: (adminUrl: string) => Promise<void>;
}): Promise<ScaledDatabase> {
  const { serverUrl, scale, log } = options;
  const began = performance.now();
  const name = `${options.prefix}_${scale}_${randomBytes(4).toString('hex')}`;
  if (options.dropAfterwards) {
    options.teardown.defer(`drop database ${name}`, () =>
      withAdminClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)),
    );
  }
  log(`migrating and seeding ${name} (scale ${scale}${scale === 'small' ? '' : ': this takes minutes'})`);
  const { adminUrl, appUrl } = await provisionDatabase({
    serverUrl,
    name,
    appRole: options.appRole,
    appPassword: options.appPassword,
  });
  const progress = createProgress(`seed ${scale}`, { write: log });
  const seeded = await seedAtScale(
    adminUrl,
    scale,
    (line) => progress.log(`  seed ${scale}: ${line}`),
    progress,
  ).finally(() => progress.stop());
  await options.afterSeed?.(adminUrl);

  const sizes = await withAdminClient(adminUrl, async (client) => {
    // seedAtScale vacuums the tables it bulk-loads; this covers the seed and `afterSeed`'s rows
    // too, so that no first read sets hint bits, autovacuum does not start in the middle of a
    // measurement, and the planner sees the real tables rather than empty ones.
    await client.query('vacuum (analyze)');
    const { rows } = await client.query<DataSizes>(
      `select ${SIZED_TABLES.map((table) => `(select count(*)::int from ${table}) as ${table}`).join(', ')}`,
    );
    return rows[0]!;
  });
  const preparedSeconds = (performance.now() - began) / 1000;
  log(
    `${name} ready after ${preparedSeconds.toFixed(0)} s: ${sizes.notices.toLocaleString('en-GB')} notices, ` +
      `${sizes.profiles.toLocaleString('en-GB')} profiles, ${sizes.analytics_events.toLocaleString('en-GB')} analytics events`,
  );
  return { scale, name, adminUrl, appUrl, seeded, sizes, preparedSeconds };
}

/** The scales a run measures: the chosen one, preceded by small when it is not small itself. */
export function scalesToMeasure(scale: SeedScale): SeedScale[] {
  return scale === 'small' ? ['small'] : ['small', scale];
}

/** The data sizes as a table, one column per scale: header and rows, for either tool's table printer. */
export function dataSizesTable(databases: { scale: string; sizes: DataSizes }[]): {
  header: string[];
  rows: string[][];
} {
  return {
    header: ['table', ...databases.map((database) => `${database.scale} rows`)],
    rows: SIZED_TABLES.map((table) => [
      table,
      ...databases.map((database) => database.sizes[table].toLocaleString('en-GB')),
    ]),
  };
}
