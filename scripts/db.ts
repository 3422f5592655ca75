import { migrate } from '@openhouse/db/migrate';
import { seed } from '@openhouse/db/seed';

import { adminUrlFromEnv, ensureDatabase, loadDotEnv } from './lib/local-env';

/** `pnpm db:migrate` / `pnpm db:seed` against DATABASE_ADMIN_URL (or DATABASE_URL), else the embedded Postgres. */

const command = process.argv[2];
if (command !== 'migrate' && command !== 'seed') {
  console.error('usage: tsx scripts/db.ts migrate|seed');
  process.exit(2);
}
const log = (line: string) => console.log(`[db] ${line}`);
loadDotEnv();
const embedded = await ensureDatabase(log);
try {
  if (command === 'migrate') {
    const applied = await migrate({ adminUrl: adminUrlFromEnv(), appUrl: process.env.DATABASE_URL, log });
    log(applied.length ? `${applied.length} migration(s) applied` : 'already up to date');
  } else {
    await seed(adminUrlFromEnv());
    log('seed loaded');
  }
} catch (error) {
  console.error(`[db] ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}
