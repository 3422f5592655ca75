import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { runTool } from '@openhouse/harness/cli';
import { createProgress } from '@openhouse/harness/progress';
import { scalesToMeasure } from '@openhouse/harness/scaled-database';
import type { Teardown } from '@openhouse/harness/teardown';

import { startBenchDatabases, type BenchDatabase } from './database';
import { HTTP_ROUNDS, measureHttpOverhead, type HttpResult } from './http';
import { isSkipped, type Cell } from './measure';
import { parseBenchOptions, POOL_MAX, type BenchOptions } from './options';
import {
  costTable,
  dataText,
  httpCpuTable,
  httpTable,
  httpTargetText,
  machineFacts,
  cellText,
  runText,
  ratios,
  ratiosTable,
  scaleComparisonTable,
  scaleRatios,
  scaleRatiosTable,
  targets,
  targetsText,
  toWayResult,
  warmupText,
  waysTable,
  writeJson,
  type ScaleResult,
} from './report';
import { measurePoolWarmup } from './warmup';
import {
  benchHomeowners,
  expectedFromDatabase,
  expectedFromSeed,
  type BenchHomeowner,
  type ExpectedRows,
} from './workload';
import { barePoolWay } from './ways/baseline-bare-pool';
import { sharedClientWay } from './ways/baseline-shared-client';
import { fiveRoundTripsWay } from './ways/five-round-trips';
import { findPgbench, pgbenchWay } from './ways/pgbench';
import { nodeWay, type Way } from './ways/way';
import { withRlsWay } from './ways/with-rls';

/**
 * `pnpm bench`: one RLS-scoped read — a homeowner's 20 newest notices — done five ways against
 * the same Postgres at 1, 10 and 50 concurrent callers (pools of DB_POOL_MAX=10), then the HTTP
 * path against the same procedure in-process, and the pool's pre-warm. With `--scale large` the
 * five ways run on a large data set and, in the same run, on a small one, side by side. See
 * docs/PHASE_20.1_DB_POOLING.md, "Benchmark (pnpm bench)".
 */

const log = (line: string) => console.log(`[bench] ${line}`);

/** One scale's database, what its homeowners must get, and the five ways pointed at it. */
interface ScaleRun {
  database: BenchDatabase;
  expected: ExpectedRows;
  ways: Way[];
  cells: Map<Way, Cell[]>;
}

async function scaleRun(
  database: BenchDatabase,
  homeowners: BenchHomeowner[],
  teardown: Teardown,
  pgbench: string | undefined,
): Promise<ScaleRun> {
  // Small: computed from the seed data, independently of SQL. Larger: generated in bulk, so
  // read from the database as the owner with the policy written out as a WHERE clause.
  const expected =
    database.scale === 'small'
      ? expectedFromSeed(homeowners)
      : await expectedFromDatabase(database.adminUrl, homeowners);
  const ways: Way[] = [
    nodeWay(await sharedClientWay(database.appUrl), homeowners, expected),
    nodeWay(barePoolWay(database.adminUrl), homeowners, expected),
    nodeWay(fiveRoundTripsWay(database.appUrl), homeowners, expected),
    nodeWay(withRlsWay(database.appUrl), homeowners, expected),
    pgbenchWay(database.appUrl, homeowners, expected, teardown, pgbench),
  ];
  return { database, expected, ways, cells: new Map(ways.map((way) => [way, []])) };
}

async function main(options: BenchOptions, teardown: Teardown): Promise<void> {
  const date = new Date();
  const began = performance.now();
  const loadAverageAtStart = os.loadavg()[0]!;
  // --http-only measures the chosen scale alone: the small comparison is for the five ways.
  const scales = options.httpOnly ? [options.scale] : scalesToMeasure(options.scale);
  const { server, databases } = await startBenchDatabases(scales, teardown, log);
  const homeowners = benchHomeowners();
  const pgbench = findPgbench();
  if (!pgbench)
    log('pgbench not found on PATH: way (e) is left out of this run (install the PostgreSQL client tools)');
  const machine = machineFacts(server, pgbench, loadAverageAtStart);
  if (options.httpOnly) {
    await httpOnly(options, databases.at(-1)!, homeowners, machine, date, began, teardown);
    return;
  }

  const runs: ScaleRun[] = [];
  for (const database of databases) runs.push(await scaleRun(database, homeowners, teardown, pgbench));
  const primary = runs.at(-1)!; // the chosen scale; the small run before it, if any, is the comparison
  const closeWays = runs.flatMap((run) =>
    run.ways.map((way) => teardown.defer(`close way (${way.key}, ${run.database.scale})`, () => way.close())),
  );

  for (const run of runs) {
    log(
      `checking that every way returns the right 20 rows for each of ${homeowners.length} homeowners ` +
        `at ${run.database.scale} scale (expected rows ${run.expected.source})`,
    );
    for (const way of run.ways) await way.verify();
  }

  const perCell = cellText(options);
  const scaleNames = runs.map((run) => run.database.scale).join(' and ');
  log(
    `measuring 5 ways × ${options.concurrencies.join('/')} callers at ${scaleNames} scale, ` +
      `pools of ${POOL_MAX}, ${perCell}`,
  );
  // Concurrency outermost: the five ways of one column run back to back, minutes apart at most;
  // and each way's small and large cells run one after the other, so their ratio is not skewed by
  // whatever else the machine was doing in between. Which scale goes first alternates per column.
  const progress = createProgress('bench');
  progress.start(options.concurrencies.length * primary.ways.length * runs.length);
  for (const [column, concurrency] of options.concurrencies.entries()) {
    const order = column % 2 === 0 ? runs : [...runs].reverse();
    for (const [index] of primary.ways.entries()) {
      for (const run of order) {
        const way = run.ways[index]!;
        const cell = await way.measure(concurrency, options.seconds, options.warmupSeconds);
        run.cells.get(way)!.push(cell);
        const name = `(${way.key}) ${String(concurrency).padStart(2)} callers${runs.length > 1 ? `, ${run.database.scale}` : ''}`;
        progress.log(
          `[bench]   ${name}: ` +
            (isSkipped(cell)
              ? cell.skipped
              : `${cell.opsPerSecond.toFixed(0)} ops/s, p99 ${cell.p99Ms.toFixed(2)} ms`),
        );
        progress.tick(name.trim());
      }
    }
  }
  progress.stop();
  for (const close of closeWays) await close();
  const results: ScaleResult[] = runs.map((run) => {
    const ways = run.ways.map((way) => toWayResult(way, run.cells.get(way)!));
    const ratioValues = ratios(ways, options.concurrencies);
    return { scale: run.database.scale, ways, ratios: ratioValues, targets: targets(ratioValues) };
  });
  const chosen = results.at(-1)!;
  const small = results.length > 1 ? results[0] : undefined;
  const headline = small ? scaleRatios(small, chosen, options.concurrencies) : undefined;

  log(`pool warm-up: ${options.warmupRepeats} fresh pools with warm() and ${options.warmupRepeats} without`);
  const warmup = await measurePoolWarmup(primary.database.appUrl, homeowners[0]!, options.warmupRepeats);

  let http: HttpResult | { skipped: string };
  if (options.http) {
    http = await measureHttpOverhead({
      appUrl: primary.database.appUrl,
      homeowners,
      expected: primary.expected,
      concurrencies: options.concurrencies,
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

  const visible = runs.map((run) => ({
    scale: run.database.scale,
    source: run.expected.source,
    perHomeowner: Object.fromEntries(
      homeowners.map((homeowner) => [
        homeowner.label,
        run.expected.visibleByUser.get(homeowner.user.id) ?? 0,
      ]),
    ),
  }));
  const atScale = (result: ScaleResult) => (small ? ` at ${result.scale} scale` : '');
  const print = (title: string, body: string) => console.log(`\n## ${title}\n\n${body}`);
  print(
    `One RLS-scoped read, five ways${atScale(chosen)} (ops/s, latency; pools of ${POOL_MAX})`,
    `${waysTable(chosen.ways, options.concurrencies)}\n\n` +
      chosen.ways
        .map(
          (result) =>
            `(${result.key}) ${result.description}${result.unsafe ? ` — UNSAFE: ${result.unsafe}` : ''}`,
        )
        .join('\n'),
  );
  if (small) {
    print(`The same read${atScale(small)}`, waysTable(small.ways, options.concurrencies));
    print(
      `${small.scale} vs ${chosen.scale}: each way, cells measured back to back`,
      scaleComparisonTable(small, chosen, options.concurrencies),
    );
    print(
      `Headline: ${chosen.scale}/${small.scale} ops/s per way, and d/b at each scale`,
      scaleRatiosTable(headline!, options.concurrencies),
    );
  }
  for (const result of results) {
    print(`Where the time goes${atScale(result)}`, costTable(result.ways, options.concurrencies));
  }
  for (const result of results) {
    print(
      `Ratios${atScale(result)}`,
      `${ratiosTable(result.ratios, options.concurrencies)}\n\n${targetsText(result.targets)}`,
    );
  }
  print('Data', dataText(databases, visible));
  print(`HTTP path: floor, procedure over HTTP, procedure in-process${atScale(chosen)}`, httpText(http));
  print(`Pool warm-up${atScale(chosen)}`, warmupText(warmup));
  print('Run', runText(machine, options, date, totalSeconds));

  const file = writeJson(
    {
      date: date.toISOString(),
      command: options.command,
      options,
      durationSeconds: totalSeconds,
      machine,
      poolMax: POOL_MAX,
      homeowners: homeowners.map((homeowner) => homeowner.label),
      scale: chosen.scale,
      data: databases.map((database) => ({
        scale: database.scale,
        sizes: database.sizes,
        seeded: database.seeded,
        benchNotices: database.benchNotices,
        preparedSeconds: database.preparedSeconds,
        ...visible.find((v) => v.scale === database.scale),
      })),
      // The chosen scale's results, where a small-only run has always put them.
      ways: chosen.ways,
      ratios: chosen.ratios,
      targets: chosen.targets,
      ...(small ? { small: { ways: small.ways, ratios: small.ratios, targets: small.targets } } : {}),
      ...(headline ? { scaleRatios: headline } : {}),
      http,
      warmup,
    },
    date,
  );
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
}

function httpText(http: HttpResult | { skipped: string }): string {
  if ('skipped' in http) return http.skipped;
  return (
    `${httpTable(http)}\n\n${httpTargetText(http)}\n\n` +
    `CPU per request of the process that served it (µs, user + system):\n\n${httpCpuTable(http)}\n\n` +
    `floor: GET /api/health (no database, a Next.js route handler); HTTP: GET /api/trpc/noticeboard.list?input={"limit":20}; ` +
    `both on the portal's production server (\`pnpm start\`: /api/trpc beside Next.js), pool of ${POOL_MAX}. ` +
    `via Next.js: the same request to the same build under plain \`next start\` (Next.js's route handler, as in ` +
    `\`pnpm dev\` and serverless deployments), its own pool of ${POOL_MAX}. In-process: createCallerFactory(appRouter) ` +
    `with the real context. The four ways take turns, ${HTTP_ROUNDS} rounds of a fifth of the time each: ops/s and ` +
    `latencies are the rounds' medians, HTTP/floor and via Next.js/floor the median of each round's own ratio. ` +
    `Portal start-up: ${http.startupSeconds.toFixed(1)} s.`
  );
}

/** `--http-only`: the database, its expected rows, and the HTTP section alone. */
async function httpOnly(
  options: BenchOptions,
  database: BenchDatabase,
  homeowners: BenchHomeowner[],
  machine: ReturnType<typeof machineFacts>,
  date: Date,
  began: number,
  teardown: Teardown,
): Promise<void> {
  const expected =
    database.scale === 'small'
      ? expectedFromSeed(homeowners)
      : await expectedFromDatabase(database.adminUrl, homeowners);
  const http = await measureHttpOverhead({
    appUrl: database.appUrl,
    homeowners,
    expected,
    concurrencies: options.concurrencies,
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
    teardown,
    log,
  });
  const totalSeconds = (performance.now() - began) / 1000;
  console.log(
    `\n## HTTP path: floor, procedure over HTTP, procedure in-process (${database.scale} scale)\n\n${httpText(http)}`,
  );
  console.log(`\n## Run\n\n${runText(machine, options, date, totalSeconds)}`);
  const file = writeJson(
    {
      date: date.toISOString(),
      command: options.command,
      options,
      durationSeconds: totalSeconds,
      machine,
      poolMax: POOL_MAX,
      scale: database.scale,
      http,
    },
    date,
  );
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
}

await runTool('bench', async (teardown) => {
  await main(parseBenchOptions(process.argv.slice(2)), teardown);
  return 0;
});
