import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import autocannon from 'autocannon';

import { mintDevToken } from '@openhouse/auth/dev-token';
import { runTool } from '@openhouse/harness/cli';
import { startPortal } from '@openhouse/harness/next-server';

import { DEFAULT_CHUNKS_DIR, summariseProfile, type CpuProfile } from './cpu-profile-summary';
import { startBenchDatabases } from './database';
import { BENCH_JWT_SECRET, FLOOR_PATH, PROCEDURE_PATH } from './http';
import { POOL_MAX, POOL_MIN } from './options';
import { benchHomeowners } from './workload';

/**
 * Where the HTTP path's time goes: the tenant portal's production server (`server.ts`) runs under
 * V8's CPU profiler (`cpu-profile-preload.mjs`, what `--cpu-prof` does) while autocannon drives
 * `noticeboard.list` (or, with `--path floor`, the floor route); the profile is then summarised by
 * package and function through the build's source maps (`cpu-profile-summary.ts`). The
 * .cpuprofile is kept under bench/results/profiles/ for a flame graph (Chrome DevTools, speedscope).
 *
 *   pnpm exec tsx bench/profile-http.ts [--seconds 20] [--connections 10] [--path procedure|floor]
 *
 * Same database set-up as `pnpm bench` (BENCH_DATABASE_URL or an embedded Postgres).
 */

const log = (line: string) => console.log(`[profile] ${line}`);

await runTool('profile-http', async (teardown) => {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      seconds: { type: 'string', default: '20' },
      connections: { type: 'string', default: '10' },
      path: { type: 'string', default: 'procedure' },
      top: { type: 'string', default: '30' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const target = values.path === 'floor' ? FLOOR_PATH : PROCEDURE_PATH;

  const { databases } = await startBenchDatabases(['small'], teardown, log);
  const database = databases[0]!;
  const homeowner = benchHomeowners()[0]!;
  const token = await mintDevToken(homeowner.user, { secret: BENCH_JWT_SECRET, expiresIn: '2h' });

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = path.resolve(import.meta.dirname, 'results', 'profiles', `${stamp}-${values.path}`);
  mkdirSync(profileDir, { recursive: true });
  const portal = await startPortal('tenant-portal', {
    DATABASE_URL: database.appUrl,
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    DB_POOL_MAX: String(POOL_MAX),
    DB_POOL_MIN: String(POOL_MIN),
    // Node 20 refuses --cpu-prof in NODE_OPTIONS; the preload runs the same profiler. Sampling
    // every 100 µs: a request is a few ms, the default 1 ms interval sees too little of it.
    NODE_OPTIONS: `--import ${path.join(import.meta.dirname, 'cpu-profile-preload.mjs')}`,
    BENCH_CPU_PROFILE_DIR: profileDir,
    BENCH_CPU_PROFILE_INTERVAL_US: '100',
  });
  const stopPortal = teardown.defer('stop the tenant portal', () => portal.stop());
  log(`tenant portal up at ${portal.url}; ${connections} connections on ${target} for ${seconds} s`);

  // A second of load before the profiler starts, so it sees the steady state, not the first
  // requests' compilation.
  await autocannon({
    url: portal.url + target,
    connections,
    duration: 2,
    headers: { authorization: `Bearer ${token}` },
  });
  void portal.signal('SIGUSR2');
  const result = await autocannon({
    url: portal.url + target,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  log(
    `${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}`,
  );
  void portal.signal('SIGUSR2');
  const deadline = Date.now() + 60_000;
  while (!readdirSync(profileDir).some((name) => name.endsWith('.done')) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopPortal();

  const files = readdirSync(profileDir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(profileDir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (files.length === 0) {
    throw new Error(
      `no .cpuprofile in ${profileDir}: did the server exit cleanly?\n${portal.output().trim().split('\n').slice(-20).join('\n')}`,
    );
  }
  for (const name of readdirSync(profileDir)) if (name.endsWith('.done')) rmSync(path.join(profileDir, name));
  // Mapped through the source maps of the build just profiled (startPortal's dist directory).
  const summary = summariseProfile(
    JSON.parse(readFileSync(files[0]!, 'utf8')) as CpuProfile,
    DEFAULT_CHUNKS_DIR,
    Number(values.top),
  );
  const header =
    `${target}, ${connections} connections, ${seconds} s: ${result.requests.average.toFixed(0)} req/s, ` +
    `p50 ${result.latency.p50} ms\nprofile: ${path.relative(process.cwd(), files[0]!)}\n`;
  writeFileSync(path.join(profileDir, 'summary.txt'), `${header}\n${summary}\n`);
  console.log(`\n${header}\n${summary}`);
  return 0;
});
