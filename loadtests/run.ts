import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { runTool } from '@openhouse/harness/cli';
import { dataSizesTable, scalesToMeasure } from '@openhouse/harness/scaled-database';
import { startSentryReceiver } from '@openhouse/harness/sentry-receiver';
import type { Teardown } from '@openhouse/harness/teardown';

import { injectFaults, phases, RECOVERY_LIMIT_MS, type Fault } from './chaos';
import { startLoadDatabases, type LoadDatabase } from './database';
import { driveSuite } from './drive';
import { loadHomeowners, LOAD_JWT_SECRET, type LoadHomeowner } from './homeowners';
import { chatSuite } from './loadtest-chat';
import { onboardingSuite } from './loadtest-onboarding';
import { ragSuite } from './loadtest-rag';
import { runNoisy } from './noisy';
import { isNoisyRun, parseLoadOptions, POOL_MAX, type LoadOptions, type SuiteName } from './options';
import { PoolSampler } from './pool-sampler';
import { serverlessMain } from './serverless-run';
import {
  chaosTable,
  compareScales,
  machineFacts,
  markdown,
  scaleComparisonTable,
  suiteFailures,
  suiteReport,
  summaryTable,
  type RunReport,
  type SuiteReport,
} from './report';
import { writeReports } from './report-files';
import type { LoadSuite } from './suite';
import { PGBOUNCER_MAX_CONNECTIONS, startTopology, type Topology } from './topology';

/**
 * `pnpm load`: a fresh migrated database seeded at the chosen scale; the tenant portal in
 * production mode (`next build` first when sources changed) with a local Sentry envelope endpoint
 * as its DSN; then the chat, onboarding and RAG suites with homeowner JWTs. At medium or large
 * scale the suites first run the same way on a small database, and the report compares the two.
 * Exits non-zero on any connection error, timeout, non-2xx, wrong shape or Sentry pool event. See
 * docs/PHASE_20.1_DB_POOLING.md, "Load tests (pnpm load)".
 */

const SUITES: Record<SuiteName, LoadSuite<never>> = {
  chat: chatSuite as LoadSuite<never>,
  onboarding: onboardingSuite as LoadSuite<never>,
  rag: ragSuite as LoadSuite<never>,
};

/** Let the last requests' Sentry events arrive before a suite's count is taken. */
const SENTRY_FLUSH_MS = 1_500;

const log = (line: string) => console.log(`[load] ${line}`);

/** The three suites, one after the other, against the portals of one topology. */
async function runSuites(context: {
  options: LoadOptions;
  database: LoadDatabase;
  topology: Topology;
  homeowners: LoadHomeowner[];
  sentry: Awaited<ReturnType<typeof startSentryReceiver>>;
  label: string;
}): Promise<SuiteReport[]> {
  const { options, database, topology, homeowners, sentry, label } = context;
  const { profile } = options;
  const portalUrls = topology.portals.map((portal) => portal.url);
  const reports: SuiteReport[] = [];
  for (const name of options.suites) {
    const suite = SUITES[name];
    await suite.prepare?.(database.adminUrl);
    log(`${name}${label}: ${suite.mix}; ${profile.connections} connections for ${profile.seconds} s`);
    const sentryBefore = sentry.events.length;
    const sampler = new PoolSampler(portalUrls, Date.now());
    sampler.start();
    let chaos: Promise<Fault[]> | undefined;
    const drive = await driveSuite({
      onStart: options.chaos
        ? (startedAt) => (chaos = injectFaults(database, profile.seconds, startedAt, log))
        : undefined,
      suite,
      urls: portalUrls,
      homeowners,
      connections: profile.connections,
      seconds: profile.seconds,
      progressBar: process.stderr.isTTY === true,
    });
    await sampler.stop();
    await new Promise((resolve) => setTimeout(resolve, SENTRY_FLUSH_MS));
    const poolEvents = sentry.events.slice(sentryBefore).filter((event) => event.tags?.['db.failure']);
    const report = suiteReport(
      {
        suite: name,
        mix: suite.mix,
        connections: profile.connections,
        poolMax: topology.poolMax,
        sentryPoolEvents: poolEvents.length,
      },
      drive,
      sampler.samples,
    );
    if (chaos) {
      const faults = await chaos;
      report.chaos = { faults, phases: phases(faults, drive.outcomes, drive.durationSeconds * 1000) };
    }
    reports.push(report);
    const failures = suiteFailures(report, RECOVERY_LIMIT_MS);
    log(
      `${name}${label}: ${report.requests} requests, ${report.requestsPerSecond.toFixed(0)} req/s, ` +
        `p99 ${report.latencyMs.p99.toFixed(0)} ms — ${failures.length ? `FAILED: ${failures.join(', ')}` : 'ok'}`,
    );
    for (const sample of report.failureSamples) log(`  ${sample}`);
  }
  return reports;
}

async function main(options: LoadOptions, teardown: Teardown): Promise<boolean> {
  if (options.topology === 'serverless') return serverlessMain({ options, suites: SUITES, teardown, log });
  const date = new Date();
  const began = performance.now();
  const { profile } = options;
  const databases = await startLoadDatabases(
    scalesToMeasure(options.scale),
    teardown,
    log,
    options.topology === 'pgbouncer' ? PGBOUNCER_MAX_CONNECTIONS : undefined,
  );
  const homeowners = await loadHomeowners();
  const tenants = new Set(homeowners.map((homeowner) => homeowner.user.tenantId)).size;
  log(`${homeowners.length} homeowner tokens minted across ${tenants} tenants`);

  const sentry = await startSentryReceiver();
  teardown.defer('close the Sentry receiver', () => sentry.close());

  const portalEnv = {
    DB_POOL_MAX: String(POOL_MAX),
    DB_POOL_MIN: '2',
    ...profile.portalEnv,
  };
  const scaled = databases.length > 1;
  const byScale: { database: LoadDatabase; topology: Topology; reports: SuiteReport[] }[] = [];
  // One scale at a time, each with portals of its own, started fresh against its database: the
  // small run first, then the chosen scale, under the same profile and environment.
  for (const database of databases) {
    const label = scaled ? ` [${database.scale}]` : '';
    log(
      `starting the tenant portal${label} (next build into apps/tenant-portal/.next-e2e first when sources changed)`,
    );
    const topology = await startTopology({
      name: options.topology,
      database,
      portalEnv: {
        ...portalEnv,
        AUTH_JWT_SECRET: LOAD_JWT_SECRET,
        SENTRY_DSN: sentry.dsn,
        SENTRY_ENVIRONMENT: 'load',
      },
      poolMax: POOL_MAX,
      teardown,
      log,
    });
    log(topology.description);
    const reports = await runSuites({ options, database, topology, homeowners, sentry, label });
    byScale.push({ database, topology, reports });
    await topology.stop(); // its output stays readable for the failure report below
  }

  const chosen = byScale.at(-1)!;
  const small = scaled ? byScale[0] : undefined;
  const scaleComparison = small ? compareScales(small.reports, chosen.reports) : undefined;
  const passed = byScale.every(({ reports }) => passes(reports));
  const run: RunReport = {
    date: date.toISOString(),
    command: options.command,
    profile: profile.name,
    scale: options.scale,
    topology: chosen.topology.description,
    machine: machineFacts(),
    database: {
      server: chosen.database.server,
      version: chosen.database.serverVersion,
      maxConnections: chosen.database.maxConnections,
    },
    portalEnv,
    durationSeconds: (performance.now() - began) / 1000,
    data: databases.map(({ scale, sizes, seeded, preparedSeconds }) => ({
      scale,
      sizes,
      seeded,
      preparedSeconds,
    })),
    suites: chosen.reports,
    small: small ? { suites: small.reports } : undefined,
    scaleComparison,
    passed,
  };
  const heading = `pnpm load — profile ${profile.name}; ${chosen.topology.description}`;
  for (const { database, reports } of byScale) {
    console.log(`\n## ${heading}${scaled ? `; ${database.scale} scale` : ''}\n\n${summaryTable(reports)}\n`);
    if (options.chaos) console.log(`### --chaos: failures per phase\n\n${chaosTable(reports)}\n`);
  }
  if (scaleComparison) {
    console.log(
      `## small vs ${options.scale} scale, per suite\n\n${scaleComparisonTable(scaleComparison, options.scale)}\n\n` +
        'errors: non-2xx, connection errors, timeouts, wrong shapes and Sentry pool events together. ' +
        'The throughput target is reported, not enforced: only errors fail the run.\n',
    );
  }
  const sizes = dataSizesTable(databases);
  console.log(`## data\n\n${markdown(sizes.header, sizes.rows)}\n`);
  const files = writeReports(run);
  console.log(`report: ${path.relative(process.cwd(), files.html)}`);
  console.log(`JSON:   ${path.relative(process.cwd(), files.json)}`);
  for (const { database, topology, reports } of byScale) {
    if (passes(reports)) continue;
    for (const portal of topology.portals) {
      const output = portal.output().trim().split('\n').slice(-15).join('\n');
      const which = scaled ? ` (${database.scale} scale)` : '';
      console.error(`\n[load] FAILED. Last lines of ${portal.url}'s output${which}:\n${output}`);
    }
  }
  return passed;
}

const passes = (reports: SuiteReport[]) =>
  reports.every((report) => suiteFailures(report, RECOVERY_LIMIT_MS).length === 0);

await runTool('load', async (teardown) => {
  const args = process.argv.slice(2);
  if (isNoisyRun(args)) return (await runNoisy(teardown, log)) ? 0 : 1;
  return (await main(parseLoadOptions(args), teardown)) ? 0 : 1;
});
