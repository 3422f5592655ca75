import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { DEV_TOKEN_ISSUER } from '@openhouse/auth/dev-token';
import { withAdminClient } from '@openhouse/db/admin';
import { startPgBouncer } from '@openhouse/harness/pgbouncer';
import { percentile } from '@openhouse/harness/stats';
import type { Teardown } from '@openhouse/harness/teardown';

import { startLoadDatabases, type LoadDatabase } from './database';
import { driveSuite } from './drive';
import { loadHomeowners, LOAD_JWT_SECRET, LOAD_RATE_LIMITS, type LoadHomeowner } from './homeowners';
import type { LoadOptions, SuiteName } from './options';
import {
  machineFacts,
  serverlessTable,
  suiteFailures,
  suiteReport,
  summaryTable,
  type RunReport,
  type ServerlessSuiteStats,
  type SuiteReport,
} from './report';
import { writeReports } from './report-files';
import { buildInstance } from './serverless-build';
import { ConnectionSampler, ServerlessPlatform, type PlatformCounts } from './serverless';
import { SERVERLESS_POOL_MAX, SERVERLESS_PROFILES, type ServerlessPath } from './serverless-options';
import type { LoadSuite } from './suite';

/**
 * `pnpm load --topology serverless`: one Postgres of the run's own with `max_connections` below
 * instances × DB_POOL_MAX and `idle_session_timeout` on the app's login role; then, per path, a
 * simulated serverless platform (loadtests/serverless.ts) whose instances connect straight to
 * Postgres ("before") or through PgBouncer in transaction mode ("after"), and the suites through
 * its front. The platform lives for the whole path, so instances frozen in one suite may be
 * thawed or reclaimed in the next; each suite reports the difference.
 */

export interface ServerlessRun {
  database: LoadDatabase;
  /** Per path, its suites (the suite names carry the path). */
  paths: { path: ServerlessPath; description: string; reports: SuiteReport[]; output: string }[];
  settings: Record<string, unknown>;
}

export async function runServerless(context: {
  options: LoadOptions;
  suites: Record<SuiteName, LoadSuite<never>>;
  homeowners: LoadHomeowner[];
  teardown: Teardown;
  log: (line: string) => void;
}): Promise<ServerlessRun> {
  const { options, suites, homeowners, teardown, log } = context;
  const { profile } = options;
  const settings = SERVERLESS_PROFILES[profile.name];
  const instances = options.serverless.instances ?? settings.instances;
  const client = options.serverless.client;
  const seconds = settings.seconds;
  const built = await buildInstance();
  teardown.defer('remove the built instance', () => built.remove());
  const [database] = await startLoadDatabases(['small'], teardown, log, settings.maxConnections);
  await withAdminClient(database!.adminUrl, (admin) =>
    admin.query(
      `alter role ${admin.escapeIdentifier(database!.appRole)} set idle_session_timeout = ${Number(settings.idleSessionTimeoutMs)}`,
    ),
  );
  log(
    `Postgres max_connections=${database!.maxConnections}, idle_session_timeout=${settings.idleSessionTimeoutMs} ms ` +
      `on ${database!.appRole}; up to ${instances} instances × DB_POOL_MAX=${SERVERLESS_POOL_MAX}`,
  );

  const run: ServerlessRun = {
    database: database!,
    paths: [],
    settings: {
      ...settings,
      instances,
      client,
      poolerIdleTimeoutS: options.serverless.poolerIdleTimeoutS,
      durationPerSuiteSeconds: seconds,
    },
  };
  for (const path of options.serverless.paths) {
    let appUrl = database!.appUrl;
    let stopBouncer: (() => Promise<void>) | undefined;
    if (path === 'pgbouncer') {
      const { poolerIdleTimeoutS } = options.serverless;
      const bouncer = await startPgBouncer(
        database!.appUrl,
        settings.serverPool,
        poolerIdleTimeoutS ? { client_idle_timeout: poolerIdleTimeoutS } : {},
      );
      stopBouncer = teardown.defer('stop PgBouncer', () => bouncer.stop());
      appUrl = bouncer.url;
    }
    const description =
      `${instances} serverless instances (VERCEL=1, ${client === 'global' ? 'module-global pool' : 'a pool per transaction'}) → ` +
      (path === 'pgbouncer'
        ? `PgBouncer, transaction mode, ${settings.serverPool} server connections` +
          (options.serverless.poolerIdleTimeoutS
            ? `, client_idle_timeout=${options.serverless.poolerIdleTimeoutS} s`
            : '') +
          ' → '
        : 'straight to ') +
      `Postgres max_connections=${database!.maxConnections}`;
    log(`${path}: ${description}`);
    const platform = new ServerlessPlatform(
      {
        ...settings,
        instances,
        client,
        instanceFile: built.file,
        env: {
          DATABASE_URL: appUrl,
          VERCEL: '1',
          NODE_ENV: 'production',
          AUTH_JWT_SECRET: LOAD_JWT_SECRET,
          AUTH_JWT_ISSUER: DEV_TOKEN_ISSUER,
          ...LOAD_RATE_LIMITS,
          ...profile.portalEnv,
          ...settings.env,
        },
      },
      (line) => log(`${path}: ${line}`),
    );
    await platform.start();
    const stopPlatform = teardown.defer(`stop the serverless platform (${path})`, () => platform.stop());

    const reports: SuiteReport[] = [];
    for (const name of options.suites) {
      const suite = suites[name];
      await suite.prepare?.(database!.adminUrl);
      log(`${name} [${path}]: ${suite.mix}; ${profile.connections} connections for ${seconds} s`);
      const before = platform.snapshot();
      const sampler = new ConnectionSampler(database!.adminUrl, database!.appRole, platform);
      sampler.start();
      const drive = await driveSuite({
        suite,
        urls: [platform.url],
        homeowners,
        connections: profile.connections,
        seconds,
        progressBar: process.stderr.isTTY === true,
      });
      // Failure counts arrive over IPC every 100 ms: let the last ones in.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sampler.stop();
      const stats = serverlessStats(before, platform.snapshot(), sampler, {
        path,
        client,
        limit: instances,
        maxConnections: database!.maxConnections,
        serverPool: path === 'pgbouncer' ? settings.serverPool : undefined,
      });
      const report = suiteReport(
        {
          suite: `${name} [${path}]`,
          mix: suite.mix,
          connections: profile.connections,
          poolMax: database!.maxConnections,
          sentryPoolEvents: 0,
        },
        drive,
        sampler.samples.map((s) => ({
          t: s.t,
          inUse: s.appConnections,
          waiting: 0,
          total: s.appConnections,
          healthy: true,
        })),
      );
      report.serverless = stats;
      reports.push(report);
      const kinds = Object.entries(stats.errorsByKind)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ');
      log(
        `${name} [${path}]: ${report.requests} requests, ${report.non2xx} non-2xx${kinds ? ` (${kinds})` : ''}; ` +
          `instances started ${stats.instances.started}, frozen ${stats.instances.frozen}, thawed ${stats.instances.thawed}, ` +
          `reclaimed ${stats.instances.reclaimed}; Postgres peak ${stats.postgres.peakAppConnections} app / ` +
          `${stats.postgres.peakClientBackends} all of ${stats.postgres.maxConnections}`,
      );
      for (const sample of report.failureSamples.slice(0, 3)) log(`  ${sample}`);
    }
    const output = platform.output();
    await stopPlatform();
    await stopBouncer?.();
    run.paths.push({ path, description, reports, output });
  }
  return run;
}

function serverlessStats(
  before: PlatformCounts,
  after: PlatformCounts,
  sampler: ConnectionSampler,
  base: {
    path: ServerlessPath;
    client: 'global' | 'per-request';
    limit: number;
    maxConnections: number;
    serverPool?: number;
  },
): ServerlessSuiteStats {
  const diff = (a: Record<string, number>, b: Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const [kind, count] of Object.entries(b)) {
      const delta = count - (a[kind] ?? 0);
      if (delta > 0) out[kind] = delta;
    }
    return out;
  };
  const dbFailures = diff(before.dbFailures, after.dbFailures);
  const idleClientsDiscarded = dbFailures.idle_client_error ?? 0;
  delete dbFailures.idle_client_error;
  const coldStarts = after.coldStartsMs.slice(before.coldStartsMs.length).sort((a, b) => a - b);
  const samples = sampler.samples;
  return {
    path: base.path,
    client: base.client,
    instances: {
      limit: base.limit,
      started: after.started - before.started,
      startFailed: after.startFailed - before.startFailed,
      frozen: after.frozen - before.frozen,
      thawed: after.thawed - before.thawed,
      reclaimed: after.reclaimed - before.reclaimed,
      crashed: after.crashed - before.crashed,
      peakRunning: Math.max(0, ...samples.map((s) => s.running)),
      peakFrozen: Math.max(0, ...samples.map((s) => s.frozen)),
    },
    coldStartMs: {
      count: coldStarts.length,
      p50: coldStarts.length ? percentile(coldStarts, 50) : 0,
      p95: coldStarts.length ? percentile(coldStarts, 95) : 0,
      max: coldStarts.at(-1) ?? 0,
    },
    errorsByKind: { ...dbFailures, ...diff(before.frontFailures, after.frontFailures) },
    idleClientsDiscarded,
    postgres: {
      peakAppConnections: Math.max(0, ...samples.map((s) => s.appConnections)),
      peakClientBackends: Math.max(0, ...samples.map((s) => s.clientBackends)),
      maxConnections: base.maxConnections,
      serverPool: base.serverPool,
    },
    samples: samples.map(({ t, running, frozen, appConnections }) => ({
      t,
      running,
      frozen,
      appConnections,
    })),
  };
}

/**
 * The whole serverless run, as `pnpm load` prints and writes it. Passes when every suite through
 * PgBouncer had no error of any kind; the direct path's errors are the "before" and are reported,
 * not failed on.
 */
export async function serverlessMain(context: {
  options: LoadOptions;
  suites: Record<SuiteName, LoadSuite<never>>;
  teardown: Teardown;
  log: (line: string) => void;
}): Promise<boolean> {
  const { options, log } = context;
  const date = new Date();
  const began = performance.now();
  const homeowners = await loadHomeowners();
  log(`${homeowners.length} homeowner tokens minted`);
  const run = await runServerless({ ...context, homeowners });
  const all = run.paths.flatMap((p) => p.reports);
  const after = run.paths.filter((p) => p.path === 'pgbouncer').flatMap((p) => p.reports);
  const passed = after.every((report) => suiteFailures(report).length === 0);
  const sizes = run.database.sizes;
  const report: RunReport = {
    date: date.toISOString(),
    command: options.command,
    profile: options.profile.name,
    scale: 'small',
    topology: run.paths.map((p) => `${p.path}: ${p.description}`).join('; '),
    machine: machineFacts(),
    database: {
      server: run.database.server,
      version: run.database.serverVersion,
      maxConnections: run.database.maxConnections,
    },
    portalEnv: Object.fromEntries(
      Object.entries({
        VERCEL: '1',
        ...options.profile.portalEnv,
        ...SERVERLESS_PROFILES[options.profile.name].env,
      }),
    ),
    durationSeconds: (performance.now() - began) / 1000,
    data: [
      { scale: 'small', sizes, seeded: run.database.seeded, preparedSeconds: run.database.preparedSeconds },
    ],
    suites: all,
    serverless: run.settings,
    passed,
  };
  console.log(`\n## pnpm load — profile ${options.profile.name}; --topology serverless\n`);
  console.log(`${summaryTable(all)}\n\n${serverlessTable(all)}\n`);
  const files = writeReports(report);
  console.log(`report: ${path.relative(process.cwd(), files.html)}`);
  console.log(`JSON:   ${path.relative(process.cwd(), files.json)}`);
  if (!passed) {
    for (const p of run.paths.filter((p) => p.path === 'pgbouncer')) {
      console.error(`\n[load] FAILED through PgBouncer. Last instance output:\n${p.output}`);
    }
  }
  return passed;
}
