import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { Teardown } from './cleanup';
import { startBenchDatabase } from './database';
import { measureHttpOverhead, type HttpResult } from './http';
import { isSkipped, type Cell } from './measure';
import { parseBenchOptions, POOL_MAX, UsageError, type BenchOptions } from './options';
import {
  costTable,
  httpTable,
  machineFacts,
  machineText,
  ratios,
  ratiosTable,
  targets,
  targetsText,
  toWayResult,
  warmupText,
  waysTable,
  writeJson,
  type WayResult,
} from './report';
import { measurePoolWarmup } from './warmup';
import { benchHomeowners } from './workload';
import { barePoolWay } from './ways/baseline-bare-pool';
import { sharedClientWay } from './ways/baseline-shared-client';
import { fiveRoundTripsWay } from './ways/five-round-trips';
import { findPgbench, pgbenchWay } from './ways/pgbench';
import { nodeWay, type Way } from './ways/way';
import { withRlsWay } from './ways/with-rls';

/**
 * `pnpm bench`: one RLS-scoped read — a homeowner's 20 newest notices — done five ways against
 * the same Postgres at 1, 10 and 50 concurrent callers (pools of DB_POOL_MAX=10), then the HTTP
 * path against the same procedure in-process, and the pool's pre-warm. See
 * docs/PHASE_20.1_DB_POOLING.md, "Benchmark (pnpm bench)".
 */

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(options: BenchOptions, teardown: Teardown): Promise<void> {
  const date = new Date();
  const began = performance.now();
  const loadAverageAtStart = os.loadavg()[0]!;
  const database = await startBenchDatabase(teardown, log);
  const homeowners = benchHomeowners();
  const pgbench = findPgbench();
  const machine = machineFacts(database, pgbench, loadAverageAtStart);

  const ways: Way[] = [
    nodeWay(await sharedClientWay(database.appUrl), homeowners),
    nodeWay(barePoolWay(database.adminUrl), homeowners),
    nodeWay(fiveRoundTripsWay(database.appUrl), homeowners),
    nodeWay(withRlsWay(database.appUrl), homeowners),
    pgbenchWay(database.appUrl, homeowners, teardown, pgbench),
  ];
  const closeWays = ways.map((way) => teardown.defer(`close way (${way.key})`, () => way.close()));

  log(`checking that every way returns the same 20 rows for each of ${homeowners.length} homeowners`);
  for (const way of ways) await way.verify();

  const perCell = `${options.seconds} s per cell after ${options.warmupSeconds} s of warm-up`;
  log(`measuring 5 ways × ${options.concurrencies.join('/')} callers, pools of ${POOL_MAX}, ${perCell}`);
  const cells = new Map<Way, Cell[]>(ways.map((way) => [way, []]));
  // Concurrency outermost: the five ways of one column run back to back, minutes apart at most.
  for (const concurrency of options.concurrencies) {
    for (const way of ways) {
      const cell = await way.measure(concurrency, options.seconds, options.warmupSeconds);
      cells.get(way)!.push(cell);
      log(
        `  (${way.key}) ${String(concurrency).padStart(2)} callers: ` +
          (isSkipped(cell)
            ? cell.skipped
            : `${cell.opsPerSecond.toFixed(0)} ops/s, p99 ${cell.p99Ms.toFixed(2)} ms`),
      );
    }
  }
  for (const close of closeWays) await close();
  const results: WayResult[] = ways.map((way) => toWayResult(way, cells.get(way)!));
  const ratioValues = ratios(results, options.concurrencies);
  const targetList = targets(ratioValues);

  log(`pool warm-up: ${options.warmupRepeats} fresh pools with warm() and ${options.warmupRepeats} without`);
  const warmup = await measurePoolWarmup(database.appUrl, homeowners[0]!, options.warmupRepeats);

  let http: HttpResult | { skipped: string };
  if (options.http) {
    http = await measureHttpOverhead({
      appUrl: database.appUrl,
      homeowners,
      concurrencies: [1, POOL_MAX],
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      teardown,
      log,
    });
  } else {
    http = {
      skipped: options.quick ? 'skipped by --quick (add --http to include it)' : 'skipped by --no-http',
    };
  }
  const totalSeconds = (performance.now() - began) / 1000;

  const print = (title: string, body: string) => console.log(`\n## ${title}\n\n${body}`);
  print(
    `One RLS-scoped read, five ways (ops/s, latency; pools of ${POOL_MAX})`,
    `${waysTable(results, options.concurrencies)}\n\n` +
      results
        .map(
          (result) =>
            `(${result.key}) ${result.description}${result.unsafe ? ` — UNSAFE: ${result.unsafe}` : ''}`,
        )
        .join('\n'),
  );
  print('Where the time goes', costTable(results, options.concurrencies));
  print('Ratios', `${ratiosTable(ratioValues, options.concurrencies)}\n\n${targetsText(targetList)}`);
  print(
    'HTTP path (Next.js route + tRPC) vs the same procedure in-process',
    'skipped' in http
      ? http.skipped
      : `${httpTable(http)}\n\nGET /api/trpc/noticeboard.list?input={"limit":20} on \`next start\` (production build), pool of ${POOL_MAX}; ` +
          `in-process: createCallerFactory(appRouter) with the real context. Portal start-up: ${http.startupSeconds.toFixed(1)} s.`,
  );
  print('Pool warm-up', warmupText(warmup));
  print(
    'Run',
    `${machineText(machine)}\ncommand: ${options.command} (${perCell}); ` +
      `${date.toISOString()}; ${totalSeconds.toFixed(0)} s in all`,
  );

  const file = writeJson(
    {
      date: date.toISOString(),
      command: options.command,
      options,
      durationSeconds: totalSeconds,
      machine,
      poolMax: POOL_MAX,
      homeowners: homeowners.map((homeowner) => homeowner.label),
      ways: results,
      ratios: ratioValues,
      targets: targetList,
      http,
      warmup,
    },
    date,
  );
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
}

let exitCode = 0;
const teardown = new Teardown();
try {
  const options = parseBenchOptions(process.argv.slice(2));
  teardown.exitOnSignals();
  await main(options, teardown);
} catch (error) {
  if (error instanceof UsageError) {
    (error.exitCode === 0 ? console.log : console.error)(error.message);
    exitCode = error.exitCode;
  } else if (!teardown.interrupted) {
    // After Ctrl-C, whatever was running fails because its pool is being closed: not news.
    console.error(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    exitCode = 1;
  }
} finally {
  await teardown.run();
}
exitCode = teardown.interruptedWith ?? exitCode;
// Explicitly, with the run's own code: nothing a library left open keeps the process alive, and no
// library's exit hook turns a failed run into exit 0.
process.exit(exitCode);
