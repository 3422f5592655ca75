import { randomBytes } from 'node:crypto';

import type { TestProject } from 'vitest/node';

import { withAdminClient } from '@openhouse/db/admin';
import { seed } from '@openhouse/seed';

import { provisionDatabase, startPostgres } from './postgres';
import { APP_PASSWORD, APP_ROLE } from './urls';

/**
 * Vitest's global set-up: one real Postgres for the run (TEST_DATABASE_URL if set, else an
 * embedded one) and on it a migrated, seeded template that every test file clones its own
 * database from (`createTestDatabase`).
 */
export async function setup(project: TestProject) {
  const server = await startPostgres({ url: process.env.TEST_DATABASE_URL, label: 'test' });
  const template = await provisionDatabase({
    serverUrl: server.url,
    name: `openhouse_tpl_${randomBytes(4).toString('hex')}`,
    appRole: APP_ROLE,
    appPassword: APP_PASSWORD,
  });
  await seed(template.adminUrl);

  project.provide('testServerUrl', server.url);
  project.provide('templateDatabase', template.name);

  return async () => {
    await withAdminClient(server.url, (client) =>
      client.query(`drop database if exists ${template.name} with (force)`),
    );
    await server.stop();
  };
}
