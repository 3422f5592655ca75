import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { dataSizesTable } from '@openhouse/harness/scaled-database';

import type { BenchDatabase, BenchServer } from './database';
import type { HttpResult } from './http';
import type { BenchOptions } from './options';
import { isSkipped, type Cell, type CellResult } from './measure';
import type { WarmupResult } from './warmup';
import type { Way, WayKey } from './ways/way';

/** Printing the tables, the ratios against the targets, and writing the JSON. */

export interface WayResult {
  key: WayKey;
  name: string;
  description: string;
  unsafe?: string;
  cells: Cell[];
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  postgresBuild: string;
  pgbench: string | null;
  pgDriver: string;
  gitCommit: string | null;
  database: BenchServer['server'];
  /** 1-minute load average when the run began: other work on the machine skews every number. */
  loadAverageAtStart: number;
}

export function machineFacts(
  database: BenchServer,
  pgbench: string | undefined,
  loadAverageAtStart: number,
): Machine {
  const cpus = os.cpus();
  const pgPackage = createRequire(import.meta.url).resolve('pg/package.json');
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain'], { encoding: 'utf8' });
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: database.serverVersion,
    postgresBuild: database.versionString,
    pgbench: pgbench ? spawnSync(pgbench, ['--version'], { encoding: 'utf8' }).stdout.trim() : null,
    pgDriver: `pg ${(JSON.parse(readFileSync(pgPackage, 'utf8')) as { version: string }).version}`,
    gitCommit:
      commit.status === 0
        ? commit.stdout.trim() + (dirty.stdout.trim() ? ' (uncommitted changes)' : '')
        : null,
    database: database.server,
    loadAverageAtStart: Math.round(loadAverageAtStart * 100) / 100,
  };
}

export const toWayResult = (way: Way, cells: Cell[]): WayResult => ({
  key: way.key,
  name: way.name,
  description: way.description,
  unsafe: way.unsafe,
  cells,
});

// ---------------------------------------------------------------------------------------------

const opsText = (value: number) => Math.round(value).toLocaleString('en-GB');
const msText = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const ratioText = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}×`);

/** A Markdown table with padded columns: readable in a terminal, pasteable into the docs. */
export function markdownTable(
  header: string[],
  rows: string[][],
  rightAligned = (column: number) => column > 0,
) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (rightAligned(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (rightAligned(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function waysTable(results: WayResult[], concurrencies: number[]): string {
  const header = ['way', ...concurrencies.flatMap((c) => [`${c}× ops/s`, 'p50 ms', 'p99 ms'])];
  const rows = results.map((result) => [
    `(${result.key}) ${result.name}${result.unsafe ? ' — UNSAFE' : ''}`,
    ...concurrencies.flatMap((concurrency) => {
      const cell = result.cells.find((candidate) => candidate.concurrency === concurrency);
      if (!cell) return ['—', '—', '—'];
      if (isSkipped(cell)) return [cell.skipped, '', ''];
      return [opsText(cell.opsPerSecond), msText(cell.p50Ms), msText(cell.p99Ms)];
    }),
  ]);
  return markdownTable(header, rows);
}

export type Ratios = Record<string, Record<number, number | undefined>>;

/** ops/s of way `key` at `concurrency`, when it ran. */
function opsOf(results: WayResult[], key: WayKey, concurrency: number): number | undefined {
  const cell = results.find((result) => result.key === key)?.cells.find((c) => c.concurrency === concurrency);
  return cell && !isSkipped(cell) ? cell.opsPerSecond : undefined;
}

const divide = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);

/** ops/s of (d) divided by each other way's, per concurrency. */
export function ratios(results: WayResult[], concurrencies: number[]): Ratios {
  const out: Ratios = {};
  for (const other of ['b', 'c', 'a', 'e'] as const) {
    out[`d/${other}`] = Object.fromEntries(
      concurrencies.map((concurrency) => [
        concurrency,
        divide(opsOf(results, 'd', concurrency), opsOf(results, other, concurrency)),
      ]),
    );
  }
  return out;
}

export function ratiosTable(values: Ratios, concurrencies: number[]): string {
  const meaning: Record<string, string> = {
    'd/b': 'd/b (vs the unsafe driver ceiling)',
    'd/c': 'd/c (vs five round trips)',
    'd/a': 'd/a (vs one shared client)',
    'd/e': 'd/e (vs pgbench, for information)',
  };
  return markdownTable(
    ['ops/s ratio', ...concurrencies.map((c) => `${c} caller${c === 1 ? '' : 's'}`)],
    Object.entries(values).map(([key, byConcurrency]) => [
      meaning[key] ?? key,
      ...concurrencies.map((c) => ratioText(byConcurrency[c])),
    ]),
  );
}

export interface Target {
  ratio: string;
  atConcurrency: number;
  atLeast: number;
  reached: number | undefined;
  met: boolean;
}

/** The issue's targets: d ≥ 1.5 × c and d ≥ 0.7 × b, at 50 callers. */
export function targets(values: Ratios): Target[] {
  return [
    { ratio: 'd/c', atLeast: 1.5 },
    { ratio: 'd/b', atLeast: 0.7 },
  ].map(({ ratio, atLeast }) => {
    const reached = values[ratio]?.[50];
    return { ratio, atConcurrency: 50, atLeast, reached, met: reached !== undefined && reached >= atLeast };
  });
}

export function targetsText(list: Target[]): string {
  return list
    .map(
      (t) =>
        `target ${t.ratio} ≥ ${t.atLeast} at ${t.atConcurrency} callers: ${ratioText(t.reached)} — ${t.met ? 'met' : 'NOT met'}`,
    )
    .join('\n');
}

/**
 * Where the time goes: CPU this process spent per request (the client's share; pgbench runs in
 * its own process, so n/a) and how busy the whole machine was. On a machine where Postgres and
 * the client share the cores, a busy machine means throughput = cores ÷ CPU per request.
 */
export function costTable(results: WayResult[], concurrencies: number[]): string {
  const header = ['way', ...concurrencies.flatMap((c) => [`${c}× client CPU µs/op`, 'machine busy'])];
  const rows = results.map((result) => [
    `(${result.key}) ${result.name}`,
    ...concurrencies.flatMap((concurrency) => {
      const cell = result.cells.find((candidate) => candidate.concurrency === concurrency);
      if (!cell || isSkipped(cell)) return ['—', '—'];
      return [
        cell.clientCpuUsPerOp === undefined ? 'n/a' : cell.clientCpuUsPerOp.toFixed(0),
        cell.machineBusy === undefined ? 'n/a' : `${Math.round(cell.machineBusy * 100)}%`,
      ];
    }),
  ]);
  return markdownTable(header, rows);
}

/**
 * The HTTP section: per concurrency, the floor (a route of the same server that touches no
 * database), the procedure over HTTP as `pnpm start` serves it, the same through Next.js's route
 * handler (`next start`), and the procedure in-process, with the ratios that say how much of the
 * request is Next.js's own cost and how much is ours.
 */
export function httpTable(result: HttpResult): string {
  return markdownTable(
    [
      'callers',
      'floor ops/s',
      'p50 ms',
      'HTTP ops/s',
      'p50 ms',
      'p99 ms',
      'via Next.js ops/s',
      'p50 ms',
      'in-process ops/s',
      'p50 ms',
      'HTTP/floor',
      'via Next.js/floor',
      'HTTP/in-process',
      'p50 over floor ms',
    ],
    result.cells.map(({ concurrency, floor, http, viaNext, inProcess, httpToFloor, viaNextToFloor }) => [
      String(concurrency),
      opsText(floor.opsPerSecond),
      msText(floor.p50Ms),
      opsText(http.opsPerSecond),
      msText(http.p50Ms),
      msText(http.p99Ms),
      opsText(viaNext.opsPerSecond),
      msText(viaNext.p50Ms),
      opsText(inProcess.opsPerSecond),
      msText(inProcess.p50Ms),
      ratioText(httpToFloor),
      ratioText(viaNextToFloor),
      ratioText(http.opsPerSecond / inProcess.opsPerSecond),
      msText(http.p50Ms - floor.p50Ms),
    ]),
  );
}

/**
 * What each request cost the process that served it (µs of CPU, user + system): the portal's
 * server for the HTTP ways, this process for the in-process one. Steadier than req/s on a shared
 * machine, and it says where the time goes: HTTP minus in-process is the HTTP path's own cost.
 */
export function httpCpuTable(result: HttpResult): string {
  const us = (cell: CellResult) => {
    const value = cell.serverCpuUsPerOp ?? cell.clientCpuUsPerOp;
    return value === undefined ? '–' : value.toFixed(0);
  };
  return markdownTable(
    ['callers', 'floor µs', 'HTTP µs', 'via Next.js µs', 'in-process µs', 'via Next.js/HTTP'],
    result.cells.map(({ concurrency, floor, http, viaNext, inProcess }) => [
      String(concurrency),
      us(floor),
      us(http),
      us(viaNext),
      us(inProcess),
      http.serverCpuUsPerOp && viaNext.serverCpuUsPerOp
        ? ratioText(viaNext.serverCpuUsPerOp / http.serverCpuUsPerOp)
        : '–',
    ]),
  );
}

/** The issue's HTTP target: the procedure over HTTP at ≥ 0.7 × the floor's req/s at 10 callers. */
export const HTTP_TARGET = { atConcurrency: 10, atLeast: 0.7 };

export function httpTargetText(result: HttpResult): string {
  const cell = result.cells.find((candidate) => candidate.concurrency === HTTP_TARGET.atConcurrency);
  if (!cell)
    return `target HTTP/floor ≥ ${HTTP_TARGET.atLeast} at ${HTTP_TARGET.atConcurrency} callers: not measured`;
  const reached = cell.httpToFloor;
  return (
    `target HTTP/floor ≥ ${HTTP_TARGET.atLeast} at ${HTTP_TARGET.atConcurrency} callers: ${ratioText(reached)} — ` +
    (reached >= HTTP_TARGET.atLeast ? 'met' : 'NOT met')
  );
}

export function warmupText(result: WarmupResult): string {
  return markdownTable(
    ['first request after start-up', `median of ${result.repeats} fresh pools`],
    [
      [
        `with warm() (DB_POOL_MIN=${result.poolMin} opened at start-up)`,
        `${msText(result.prewarmedMedianMs)} ms`,
      ],
      ['without (connection opened by the first request)', `${msText(result.coldMedianMs)} ms`],
      ['warm() itself, paid once at start-up', `${msText(result.warmCallMedianMs)} ms`],
    ],
  );
}

/** How long each cell ran. */
export const cellText = (options: BenchOptions) =>
  `${options.seconds} s per cell after ${options.warmupSeconds} s of warm-up`;

/** The run's own facts under every report: machine, software, command, when, how long. */
export function runText(machine: Machine, options: BenchOptions, date: Date, totalSeconds: number): string {
  return (
    `${machineText(machine)}\ncommand: ${options.command} (${cellText(options)}); ` +
    `${date.toISOString()}; ${totalSeconds.toFixed(0)} s in all`
  );
}

export function machineText(machine: Machine): string {
  return [
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`,
    `software: Node ${machine.node}, ${machine.pgDriver}, Postgres ${machine.postgres} (${machine.database}), ${machine.pgbench ?? 'no pgbench'}`,
    `commit: ${machine.gitCommit ?? 'unknown'}; load average at start: ${machine.loadAverageAtStart}` +
      (machine.loadAverageAtStart > machine.cores / 4
        ? ' — other work was running on this machine; expect noisy numbers'
        : ''),
  ].join('\n');
}

export function writeJson(report: object, date: Date): string {
  const dir = path.resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${date.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Two scales in one run (`--scale large`): the same ways, verified the same way, measured back to
// back per cell on a small and a large database.

export interface ScaleResult {
  scale: string;
  ways: WayResult[];
  ratios: Ratios;
  targets: Target[];
}

/**
 * The headline numbers of a scaled run: how much each way slows down from small to the chosen
 * scale (ops/s large ÷ small, per concurrency), and d/b — the RLS request against the unsafe
 * ceiling — at each scale.
 */
export function scaleRatios(small: ScaleResult, large: ScaleResult, concurrencies: number[]): Ratios {
  const out: Ratios = {};
  const per = (value: (concurrency: number) => number | undefined) =>
    Object.fromEntries(concurrencies.map((concurrency) => [concurrency, value(concurrency)]));
  for (const key of ['d', 'b', 'c', 'a', 'e'] as const) {
    out[`(${key}) ${large.scale}/${small.scale}`] = per((c) =>
      divide(opsOf(large.ways, key, c), opsOf(small.ways, key, c)),
    );
  }
  out[`d/b at ${small.scale}`] = small.ratios['d/b'] ?? {};
  out[`d/b at ${large.scale}`] = large.ratios['d/b'] ?? {};
  return out;
}

export function scaleRatiosTable(values: Ratios, concurrencies: number[]): string {
  return markdownTable(
    ['ops/s ratio', ...concurrencies.map((c) => `${c} caller${c === 1 ? '' : 's'}`)],
    Object.entries(values).map(([key, byConcurrency]) => [
      key,
      ...concurrencies.map((c) => ratioText(byConcurrency[c])),
    ]),
  );
}

/** Each way at each concurrency: ops/s and latency at both scales, and the ops/s ratio. */
export function scaleComparisonTable(
  small: ScaleResult,
  large: ScaleResult,
  concurrencies: number[],
): string {
  const [s, l] = [small.scale, large.scale];
  const header = [
    'way',
    'callers',
    `${s} ops/s`,
    'p50 ms',
    'p99 ms',
    `${l} ops/s`,
    'p50 ms',
    'p99 ms',
    `${l}/${s} ops/s`,
  ];
  const cellText = (result: WayResult | undefined, concurrency: number) => {
    const cell = result?.cells.find((candidate) => candidate.concurrency === concurrency);
    if (!cell) return ['—', '—', '—'];
    if (isSkipped(cell)) return ['skipped', '', ''];
    return [opsText(cell.opsPerSecond), msText(cell.p50Ms), msText(cell.p99Ms)];
  };
  const rows = small.ways.flatMap((result) =>
    concurrencies.map((concurrency) => {
      const other = large.ways.find((candidate) => candidate.key === result.key);
      return [
        `(${result.key}) ${result.name}${result.unsafe ? ' — UNSAFE' : ''}`,
        String(concurrency),
        ...cellText(result, concurrency),
        ...cellText(other, concurrency),
        ratioText(
          divide(opsOf(large.ways, result.key, concurrency), opsOf(small.ways, result.key, concurrency)),
        ),
      ];
    }),
  );
  return markdownTable(header, rows, (column) => column > 1);
}

/** Rows per table at each scale, and how many notices each bench homeowner may see. */
export function dataText(
  databases: Pick<BenchDatabase, 'scale' | 'sizes' | 'benchNotices' | 'preparedSeconds'>[],
  visible: { scale: string; source: string; perHomeowner: Record<string, number> }[],
): string {
  const { header, rows } = dataSizesTable(databases);
  const notes = databases.map((database) => {
    const seen = Object.values(visible.find((v) => v.scale === database.scale)?.perHomeowner ?? {});
    const source = visible.find((v) => v.scale === database.scale)?.source ?? '';
    return (
      `${database.scale}: ${database.benchNotices ? `seed plus ${opsText(database.benchNotices)} bench notices; ` : ''}` +
      `each bench homeowner may see ${opsText(Math.min(...seen))}–${opsText(Math.max(...seen))} notices; ` +
      `expected rows ${source}; migrated, seeded and vacuumed in ${database.preparedSeconds.toFixed(0)} s`
    );
  });
  return `${markdownTable(header, rows)}\n\n${notes.join('\n')}`;
}
