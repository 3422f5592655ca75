import os from 'node:os';

import type { DataSizes } from '@openhouse/harness/scaled-database';

import type { Fault, PhaseReport } from './chaos';
import type { DriveResult } from './drive';
import type { PoolSample } from './pool-sampler';
import { perSecond, percentileCurve, summariseLatency, type LatencySummary, type SecondPoint } from './stats';

/** One suite's outcome, as printed, written to JSON and drawn in the HTML page. */
export interface SuiteReport {
  suite: string;
  mix: string;
  connections: number;
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  shapeErrors: number;
  poolPeakInUse: number;
  poolPeakWaiting: number;
  poolMax: number;
  /** Sentry events with a `db.failure` tag (a pool or database failure) received during the suite. */
  sentryPoolEvents: number;
  byProcedure: Record<string, number>;
  failureSamples: string[];
  perSecond: SecondPoint[];
  percentiles: [number, number][];
  poolSamples: PoolSample[];
  /** `--chaos`: the faults injected and the failures per phase between them. */
  chaos?: { faults: Fault[]; phases: PhaseReport[] };
  /** `--topology serverless`: the platform's side of the suite (see loadtests/serverless.ts). */
  serverless?: ServerlessSuiteStats;
}

export interface ServerlessSuiteStats {
  path: 'direct' | 'pgbouncer';
  client: 'global' | 'per-request';
  instances: {
    limit: number;
    started: number;
    startFailed: number;
    frozen: number;
    thawed: number;
    reclaimed: number;
    crashed: number;
    peakRunning: number;
    peakFrozen: number;
  };
  /** Spawn to listening, per instance started during the suite. */
  coldStartMs: { count: number; p50: number; p95: number; max: number };
  /** Failures callers saw, by kind: the instances' database kinds and the front's own. */
  errorsByKind: Record<string, number>;
  /** Dead idle clients found and discarded before anyone used them (`idle_client_error`). */
  idleClientsDiscarded: number;
  postgres: {
    /** Peak backends of the app's login role (PgBouncer's server connections on that path). */
    peakAppConnections: number;
    peakClientBackends: number;
    maxConnections: number;
    /** PgBouncer's server pool, on that path. */
    serverPool?: number;
  };
  samples: { t: number; running: number; frozen: number; appConnections: number }[];
}

const serverlessErrors = (stats: ServerlessSuiteStats) =>
  Object.values(stats.errorsByKind).reduce((sum, count) => sum + count, 0);

export interface RunReport {
  date: string;
  command: string;
  profile: string;
  /** The data set `suites` ran on. */
  scale: string;
  topology: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  database: { server: string; version: string; maxConnections: number };
  portalEnv: Record<string, string>;
  durationSeconds: number;
  /** Row counts per scale measured, and how long each database took to prepare. */
  data: { scale: string; sizes: DataSizes; seeded: Record<string, number>; preparedSeconds: number }[];
  suites: SuiteReport[];
  /** When `scale` is not small: the same suites, first, on a small database. */
  small?: { suites: SuiteReport[] };
  /** When `scale` is not small: per suite, small against `scale`. */
  scaleComparison?: ScaleComparison[];
  /** `--topology serverless`: the platform's settings (suites carry their path in their name). */
  serverless?: Record<string, unknown>;
  passed: boolean;
}

/** What a scaled run must show per suite: no errors at scale, and most of the small throughput. */
export const SCALE_TARGET = { minRequestsRatio: 0.8, maxErrors: 0 } as const;

interface ScaleSide {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Non-2xx, connection errors, timeouts, wrong shapes and Sentry pool events together. */
  errors: number;
}

export interface ScaleComparison {
  suite: string;
  small: ScaleSide;
  scaled: ScaleSide;
  /** req/s at scale ÷ req/s at small. */
  requestsRatio: number;
  targetMet: boolean;
}

const errorCount = (s: SuiteReport) =>
  s.non2xx + s.connectionErrors + s.timeouts + s.shapeErrors + s.sentryPoolEvents;
const side = (s: SuiteReport): ScaleSide => ({
  requestsPerSecond: s.requestsPerSecond,
  p50: s.latencyMs.p50,
  p99: s.latencyMs.p99,
  errors: errorCount(s),
});

export function compareScales(small: SuiteReport[], scaled: SuiteReport[]): ScaleComparison[] {
  return scaled.flatMap((at) => {
    const base = small.find((candidate) => candidate.suite === at.suite);
    if (!base) return [];
    const requestsRatio = at.requestsPerSecond / Math.max(base.requestsPerSecond, 1e-9);
    return [
      {
        suite: at.suite,
        small: side(base),
        scaled: side(at),
        requestsRatio,
        targetMet: errorCount(at) <= SCALE_TARGET.maxErrors && requestsRatio >= SCALE_TARGET.minRequestsRatio,
      },
    ];
  });
}

/** Small against the chosen scale, per suite, as header and rows for either table printer. */
export function scaleComparisonCells(
  rows: ScaleComparison[],
  scale: string,
  targetHeader = 'target',
): { header: string[]; rows: string[][] } {
  return {
    header: [
      'suite',
      'small req/s',
      `${scale} req/s`,
      `${scale}/small`,
      'small p50 ms',
      `${scale} p50 ms`,
      'small p99 ms',
      `${scale} p99 ms`,
      'small errors',
      `${scale} errors`,
      targetHeader,
    ],
    rows: rows.map((row) => [
      row.suite,
      row.small.requestsPerSecond.toFixed(0),
      row.scaled.requestsPerSecond.toFixed(0),
      `${row.requestsRatio.toFixed(2)}×`,
      row.small.p50.toFixed(0),
      row.scaled.p50.toFixed(0),
      row.small.p99.toFixed(0),
      row.scaled.p99.toFixed(0),
      String(row.small.errors),
      String(row.scaled.errors),
      row.targetMet ? 'met' : 'NOT met',
    ]),
  };
}

export function scaleComparisonTable(rows: ScaleComparison[], scale: string): string {
  const target = `target (0 errors, ≥ ${SCALE_TARGET.minRequestsRatio}×)`;
  const { header, rows: body } = scaleComparisonCells(rows, scale, target);
  return markdown(header, body);
}

/** A Markdown table, as printed and pasted into the docs. */
export function markdown(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function suiteReport(
  base: { suite: string; mix: string; connections: number; poolMax: number; sentryPoolEvents: number },
  drive: DriveResult,
  poolSamples: PoolSample[],
): SuiteReport {
  return {
    ...base,
    requests: drive.requests,
    durationSeconds: drive.durationSeconds,
    requestsPerSecond: drive.requests / Math.max(drive.durationSeconds, 1e-9),
    latencyMs: summariseLatency(drive.responses),
    non2xx: drive.non2xx,
    connectionErrors: drive.connectionErrors,
    timeouts: drive.timeouts,
    shapeErrors: drive.shapeErrors,
    poolPeakInUse: Math.max(0, ...poolSamples.map((sample) => sample.inUse)),
    poolPeakWaiting: Math.max(0, ...poolSamples.map((sample) => sample.waiting)),
    byProcedure: drive.byProcedure,
    failureSamples: drive.failureSamples,
    perSecond: perSecond(drive.responses),
    percentiles: percentileCurve(drive.responses),
    poolSamples,
  };
}

/**
 * A suite passes with no connection error, no timeout, no non-2xx, no bad shape, no pool event.
 * Under `--chaos` failures are expected right after a fault: it passes when nothing failed before
 * the first fault, no shape was wrong, and every fault was followed by success within 2 s.
 */
export function suiteFailures(report: SuiteReport, recoveryLimitMs = 2_000): string[] {
  const failures: string[] = [];
  if (report.chaos) {
    if (report.requests === 0) failures.push('no request completed');
    if (report.shapeErrors) failures.push(`${report.shapeErrors} wrong shapes`);
    for (const phase of report.chaos.phases) {
      if (phase.recoveryMs === null && phase.failures)
        failures.push(`${phase.failures} failures ${phase.phase}`);
      if (phase.recoveryMs !== null && phase.recoveryMs > recoveryLimitMs) {
        failures.push(`failures until ${phase.recoveryMs} ms ${phase.phase}`);
      }
    }
    return failures;
  }
  if (report.requests === 0) failures.push('no request completed');
  if (report.serverless) {
    const stats = report.serverless;
    for (const [kind, count] of Object.entries(stats.errorsByKind)) failures.push(`${count} ${kind}`);
    if (stats.postgres.peakClientBackends >= stats.postgres.maxConnections)
      failures.push(`Postgres at max_connections (${stats.postgres.maxConnections})`);
  }
  if (report.connectionErrors) failures.push(`${report.connectionErrors} connection errors`);
  if (report.timeouts) failures.push(`${report.timeouts} timeouts`);
  if (report.non2xx) failures.push(`${report.non2xx} non-2xx`);
  if (report.shapeErrors) failures.push(`${report.shapeErrors} wrong shapes`);
  if (report.sentryPoolEvents) failures.push(`${report.sentryPoolEvents} Sentry pool events`);
  return failures;
}

export function machineFacts(): RunReport['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function summaryTable(suites: SuiteReport[]): string {
  const header = [
    'suite',
    'conns',
    'requests',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'non-2xx',
    'conn err',
    'timeouts',
    'bad shape',
    'pool peak in-use',
    'pool peak waiting',
    'Sentry pool events',
  ];
  const rows = suites.map((s) => [
    s.suite,
    String(s.connections),
    String(s.requests),
    s.requestsPerSecond.toFixed(0),
    s.latencyMs.p50.toFixed(0),
    s.latencyMs.p95.toFixed(0),
    s.latencyMs.p99.toFixed(0),
    String(s.non2xx),
    String(s.connectionErrors),
    String(s.timeouts),
    String(s.shapeErrors),
    `${s.poolPeakInUse}/${s.poolMax}`,
    String(s.poolPeakWaiting),
    String(s.sentryPoolEvents),
  ]);
  return markdown(header, rows);
}

/** The serverless suites: what the platform did and what callers saw, per path and suite. */
export function serverlessCells(suites: SuiteReport[]): { header: string[]; rows: string[][] } {
  const header = [
    'path',
    'suite',
    'requests',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors by kind',
    'instances peak running / peak frozen (limit)',
    'started',
    'start failed',
    'frozen',
    'thawed',
    'reclaimed',
    'idle clients discarded',
    'Postgres peak app (all) / max_connections',
    'cold start p50 / max ms',
  ];
  const rows = suites.flatMap((s) => {
    const v = s.serverless;
    if (!v) return [];
    const kinds = Object.entries(v.errorsByKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    return [
      [
        `${v.path}${v.client === 'per-request' ? ' (client per request)' : ''}`,
        s.suite,
        String(s.requests),
        s.requestsPerSecond.toFixed(0),
        s.latencyMs.p50.toFixed(0),
        s.latencyMs.p99.toFixed(0),
        String(s.non2xx),
        kinds || '0',
        `${v.instances.peakRunning} / ${v.instances.peakFrozen} (${v.instances.limit})`,
        String(v.instances.started),
        String(v.instances.startFailed),
        String(v.instances.frozen),
        String(v.instances.thawed),
        String(v.instances.reclaimed),
        String(v.idleClientsDiscarded),
        `${v.postgres.peakAppConnections} (${v.postgres.peakClientBackends}) / ${v.postgres.maxConnections}`,
        v.coldStartMs.count ? `${v.coldStartMs.p50.toFixed(0)} / ${v.coldStartMs.max.toFixed(0)}` : '—',
      ],
    ];
  });
  return { header, rows };
}

export function serverlessTable(suites: SuiteReport[]): string {
  const { header, rows } = serverlessCells(suites);
  return markdown(header, rows);
}

export const serverlessErrorCount = (report: SuiteReport) =>
  report.serverless ? serverlessErrors(report.serverless) : 0;

export function chaosTable(suites: SuiteReport[]): string {
  const rows = suites.flatMap((s) =>
    (s.chaos?.phases ?? []).map(
      (p) =>
        `| ${s.suite} | ${p.phase} | ${(p.from / 1000).toFixed(1)}–${(p.to / 1000).toFixed(1)} s | ${p.responses} | ${p.failures} | ${p.recoveryMs === null ? '—' : `${p.recoveryMs} ms`} |`,
    ),
  );
  return [
    '| suite | phase | window | responses | failed | last failure after the fault ended |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
