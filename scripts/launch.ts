import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { ensureDatabase, ensureDevJwtSecret, loadDotEnv, loadLocalEnv, ROOT } from './lib/local-env';

/**
 * `pnpm dev` / `pnpm start`: the database (embedded unless DATABASE_URL is set), then both portals
 * — tenant portal on TENANT_PORTAL_PORT (3000), developer portal on DEVELOPER_PORTAL_PORT (3001),
 * from the environment or `.env` — until Ctrl-C. A bad port stops it with one line naming it.
 */

const mode = process.argv[2];
if (mode !== 'dev' && mode !== 'start') {
  console.error('usage: tsx scripts/launch.ts dev|start');
  process.exit(2);
}
const log = (line: string) => console.log(`[openhouse] ${line}`);

loadDotEnv();
const ports = loadLocalEnv();
const APPS = [
  { name: 'tenant-portal', port: String(ports.TENANT_PORTAL_PORT) },
  { name: 'developer-portal', port: String(ports.DEVELOPER_PORTAL_PORT) },
];
if (mode === 'start') {
  const missing = APPS.filter((app) => !existsSync(path.join(ROOT, 'apps', app.name, '.next', 'BUILD_ID')));
  if (missing.length > 0) {
    console.error(
      `No production build of ${missing.map((app) => app.name).join(', ')}: run pnpm build first`,
    );
    process.exit(1);
  }
}
const embedded = await ensureDatabase(log);
if (mode === 'dev' || embedded) ensureDevJwtSecret(log);

const children: ChildProcess[] = APPS.map((app) => {
  // The server itself, not through pnpm, so that SIGTERM reaches it and it can drain: `next dev`,
  // or the portal's production server (`server.ts`: `/api/trpc` beside Next.js).
  const cwd = path.join(ROOT, 'apps', app.name);
  const next = path.join(cwd, 'node_modules', 'next', 'dist', 'bin', 'next');
  const args = mode === 'dev' ? [next, 'dev', '--port', app.port] : ['--import', 'tsx', 'server.ts'];
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      ...(mode === 'start' ? { NODE_ENV: 'production', PORT: app.port } : {}),
      // The seeded accounts' sign-in page, unless .env or the shell says DEV_SIGN_IN=0.
      ...(mode === 'dev' ? { DEV_SIGN_IN: process.env.DEV_SIGN_IN ?? '1' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) console.log(`[${app.name}] ${line}`);
    });
  }
  log(`${app.name} on http://localhost:${app.port}`);
  return child;
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))),
    ),
  );
  await embedded?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// One portal dying takes the other down too, so that a broken start is never half-up.
for (const child of children) child.once('exit', (code) => void stop(code ?? 1));
