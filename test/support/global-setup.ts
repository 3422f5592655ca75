import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { TestProject } from 'vitest/node';

import { withAdminClient } from '@openhouse/db/admin';
import { startEmbeddedPostgres, type EmbeddedServer } from '@openhouse/db/embedded';
import { migrate } from '@openhouse/db/migrate';
import { seed } from '@openhouse/db/seed';

import { APP_ROLE, APP_PASSWORD, databaseUrl } from './urls';

let embedded: EmbeddedServer | undefined;
let dataRoot: string | undefined;

export async function setup(project: TestProject) {
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    dataRoot = mkdtempSync(path.join(tmpdir(), 'openhouse-test-'));
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataRoot, 'pg'), persistent: false });
    serverUrl = embedded.adminUrl;
  }
  const template = `openhouse_tpl_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database ${template}`));
  const templateUrl = databaseUrl(serverUrl, template);
  await migrate({ adminUrl: templateUrl, appUrl: databaseUrl(serverUrl, template, APP_ROLE, APP_PASSWORD) });
  await seed(templateUrl);

  project.provide('testServerUrl', serverUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await withAdminClient(serverUrl, (client) =>
      client.query(`drop database if exists ${template} with (force)`),
    );
    await embedded?.stop();
    if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
  };
}
