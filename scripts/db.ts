import { parseArgs } from 'node:util';

import { migrate } from '@openhouse/db/migrate';
import { createProgress } from '@openhouse/harness/progress';
import { SEED_SCALES, seedAtScale, type SeedScale } from '@openhouse/seed';

import { ensureAdminDatabase, loadDotEnv } from './lib/local-env';

/**
 * `pnpm db:migrate` / `pnpm db:seed [-- --scale small|medium|large]` as the owner:
 * DATABASE_ADMIN_URL, else DATABASE_URL, else the embedded Postgres (started only when neither is set).
 */

const USAGE = `usage: tsx scripts/db.ts migrate | seed [--scale ${SEED_SCALES.join('|')}]`;
const fail = (message: string): never => {
  console.error(`[db] ${message}`);
  console.error(USAGE);
  process.exit(2);
};

const [command, ...rest] = process.argv.slice(2);
if (command !== 'migrate' && command !== 'seed') fail(`unknown command: ${command ?? '(none)'}`);
let scale: SeedScale = 'small';
try {
  // pnpm passes the `--` of `pnpm db:seed -- --scale large` through literally.
  const { values } = parseArgs({
    args: rest.filter((arg) => arg !== '--'),
    options: { scale: { type: 'string' } },
    strict: true,
  });
  if (values.scale !== undefined) {
    if (command !== 'seed') fail('--scale applies to seed only');
    if (!(SEED_SCALES as readonly string[]).includes(values.scale)) {
      fail(`--scale must be one of ${SEED_SCALES.join(', ')}, not '${values.scale}'`);
    }
    scale = values.scale as SeedScale;
  }
} catch (error) {
  fail((error as Error).message);
}

const log = (line: string) => console.log(`[db] ${line}`);
loadDotEnv();
const { adminUrl, appUrl, embedded } = await ensureAdminDatabase(log);
try {
  if (command === 'migrate') {
    const applied = await migrate({ adminUrl, appUrl, log });
    log(applied.length ? `${applied.length} migration(s) applied` : 'already up to date');
  } else {
    const progress = createProgress(`db seed ${scale}`);
    try {
      await seedAtScale(adminUrl, scale, (line) => progress.log(`[db] ${line}`), progress);
    } finally {
      progress.stop();
    }
  }
} catch (error) {
  console.error(`[db] ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}
