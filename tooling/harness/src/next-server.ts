import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { DEV_TOKEN_ISSUER } from '@openhouse/auth/dev-token';

import { freePort } from './net';

/**
 * A production build of a portal (`next build` into its own dist directory, so that a running
 * `pnpm dev` is left alone) served by the portal's production server (`server.ts`, what
 * `pnpm start` runs) on a free port, as a real HTTP server.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DIST_DIR = '.next-e2e';

/** The portals' `METRICS_TOKEN` (at least 32 bytes): scrapers send it as `Authorization: Bearer`. */
export const TEST_METRICS_TOKEN = 'openhouse-test-metrics-token-0123456789';

export interface NextServer {
  url: string;
  /** The server's process (for its CPU time). */
  pid: number;
  output: () => string;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
  stop(): Promise<void>;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} failed:\n${output}`)),
    );
  });
}

/**
 * How the build is served: `portal` is the portal's own production server (`server.ts`, what
 * `pnpm start` runs: `/api/trpc` beside Next.js); `next-start` is plain `next start`, every path
 * through Next.js — what the bench compares the production server with.
 */
export type PortalServerKind = 'portal' | 'next-start';

export async function startPortal(
  app: string,
  env: Record<string, string>,
  { server = 'portal' }: { server?: PortalServerKind } = {},
): Promise<NextServer> {
  const cwd = path.join(ROOT, 'apps', app);
  const next = path.join(cwd, 'node_modules', 'next', 'dist', 'bin', 'next');
  const baseEnv = {
    ...process.env,
    NODE_ENV: 'production' as const,
    // Production requires an issuer; the harnesses sign with the dev minter, whose issuer this is.
    AUTH_JWT_ISSUER: DEV_TOKEN_ISSUER,
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: DIST_DIR,
    // A production server refuses to start with DEV_SIGN_IN=1; a developer's shell may have it.
    DEV_SIGN_IN: '0',
  };
  if (!isBuildFresh(cwd)) await run(process.execPath, [next, 'build'], cwd, baseEnv);

  const port = await freePort();
  const args =
    server === 'portal' ? ['--import', 'tsx', 'server.ts'] : [next, 'start', '--port', String(port)];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env: {
      ...baseEnv,
      PORT: String(port),
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      // `next start` leaves SIGTERM to the portal's drain only when told to.
      ...(server === 'next-start' ? { NEXT_MANUAL_SIG_HANDLE: 'true' } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the portal's server exited:\n${output}`);
    const ok = await fetch(`${url}/api/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the portal's server did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    pid: child.pid!,
    output: () => output,
    signal: (signal) => {
      child.kill(signal);
      return exited;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A build is reused only when no source file of the repository is newer than it. */
function isBuildFresh(cwd: string): boolean {
  const buildId = path.join(cwd, DIST_DIR, 'BUILD_ID');
  if (!existsSync(buildId) || !readFileSync(buildId, 'utf8')) return false;
  const builtAt = statSync(buildId).mtimeMs;
  return !newerThan(path.join(ROOT, 'packages'), builtAt) && !newerThan(path.join(cwd, 'src'), builtAt);
}

function newerThan(dir: string, time: number): boolean {
  for (const entry of readdirSafe(dir)) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.next')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() ? newerThan(full, time) : statSync(full).mtimeMs > time) return true;
  }
  return false;
}

function readdirSafe(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
