import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { median, percentile } from '@openhouse/harness/stats';

/** One cell of the table: one way at one concurrency. */
export interface CellResult {
  concurrency: number;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** CPU this process spent per request (µs): the client's share of the cost, when measured here. */
  clientCpuUsPerOp?: number;
  /**
   * CPU the server process spent per request (µs), for a server in another process: what a request
   * costs it, steadier than req/s on a shared machine (another tenant's load slows the clock, not
   * the work). 10 ms resolution over the whole cell.
   */
  serverCpuUsPerOp?: number;
  /** Share of the machine's CPU time that was busy (all processes), when /proc/stat exists. */
  machineBusy?: number;
}

/** A way that could not run here (pgbench not installed): a row that says so instead of a failure. */
export interface SkippedCell {
  concurrency: number;
  skipped: string;
}

export type Cell = CellResult | SkippedCell;

export const isSkipped = (cell: Cell): cell is SkippedCell => 'skipped' in cell;

/**
 * A closed loop: `concurrency` callers each send their next request as soon as the previous one
 * answers, for `seconds`. This is how a server's request handlers load a pool — with 50 callers
 * and 10 connections, 40 of them wait in the pool's queue, and that wait is part of the latency.
 * `op(caller, iteration)` must throw on a wrong answer; the first failure stops every caller and
 * fails the cell, because a benchmark of errors is worthless.
 */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  op: (caller: number, iteration: number) => Promise<unknown>,
  { serverPid }: { serverPid?: number } = {},
): Promise<CellResult> {
  const latencies: number[] = [];
  let failure: unknown;
  const cpuBefore = process.cpuUsage();
  const serverBefore = serverPid === undefined ? undefined : processCpuUs(serverPid);
  const machineBefore = machineCpu();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      for (let iteration = 0; failure === undefined && performance.now() < deadline; iteration++) {
        const begun = performance.now();
        try {
          await op(caller, iteration);
        } catch (error) {
          failure ??= error;
          return;
        }
        latencies.push(performance.now() - begun);
      }
    }),
  );
  if (failure !== undefined) throw failure;
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineCpu();
  const serverAfter = serverPid === undefined ? undefined : processCpuUs(serverPid);
  return {
    ...summarise(concurrency, latencies, elapsedSeconds),
    clientCpuUsPerOp: latencies.length ? (cpu.user + cpu.system) / latencies.length : undefined,
    serverCpuUsPerOp:
      serverBefore !== undefined && serverAfter !== undefined && latencies.length
        ? (serverAfter - serverBefore) / latencies.length
        : undefined,
    machineBusy: busyBetween(machineBefore, machineAfter),
  };
}

/** User and system CPU time another process has used (µs), from /proc (Linux); undefined elsewhere. */
export function processCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is the first, utime the 12th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture it runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The share of the machine's CPU time that was busy between two `machineCpu()` readings. */
export function busyBetween(
  before: ReturnType<typeof machineCpu>,
  after: ReturnType<typeof machineCpu>,
): number | undefined {
  return before && after ? 1 - (after.idle - before.idle) / (after.total - before.total) : undefined;
}

/** Idle and total CPU ticks of the whole machine (Linux); undefined elsewhere. */
export function machineCpu(): { idle: number; total: number } | undefined {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: ticks[3]! + (ticks[4] ?? 0), total: ticks.reduce((sum, value) => sum + value, 0) };
  } catch {
    return undefined;
  }
}

/** ops/s over the whole elapsed time (including the last requests' tails) and latency percentiles. */
export function summarise(concurrency: number, latenciesMs: ArrayLike<number>, seconds: number): CellResult {
  const sorted = Float64Array.from(latenciesMs).sort();
  let total = 0;
  for (const latency of sorted) total += latency;
  return {
    concurrency,
    ops: sorted.length,
    seconds,
    opsPerSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length ? total / sorted.length : Number.NaN,
  };
}

/**
 * One cell from slices of it measured apart (interleaved with other ways): ops/s and latencies are
 * the slices' medians, CPU per request is over all of their requests.
 */
export function medianCell(slices: CellResult[]): CellResult {
  const ops = slices.reduce((sum, slice) => sum + slice.ops, 0);
  const perOp = (pick: (slice: CellResult) => number | undefined) =>
    slices.every((slice) => pick(slice) !== undefined) && ops > 0
      ? slices.reduce((sum, slice) => sum + pick(slice)! * slice.ops, 0) / ops
      : undefined;
  return {
    concurrency: slices[0]!.concurrency,
    ops,
    seconds: slices.reduce((sum, slice) => sum + slice.seconds, 0),
    opsPerSecond: median(slices.map((slice) => slice.opsPerSecond)),
    p50Ms: median(slices.map((slice) => slice.p50Ms)),
    p99Ms: median(slices.map((slice) => slice.p99Ms)),
    meanMs: median(slices.map((slice) => slice.meanMs)),
    clientCpuUsPerOp: perOp((slice) => slice.clientCpuUsPerOp),
    serverCpuUsPerOp: perOp((slice) => slice.serverCpuUsPerOp),
    machineBusy: median(slices.map((slice) => slice.machineBusy ?? Number.NaN)),
  };
}

/** The median over rounds of `ways[i]`'s req/s over `references[i]`'s, measured side by side. */
export function medianRatio(ways: CellResult[], references: CellResult[]): number {
  return median(ways.map((slice, round) => slice.opsPerSecond / references[round]!.opsPerSecond));
}
