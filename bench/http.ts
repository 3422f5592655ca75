import { performance } from 'node:perf_hooks';

import autocannon from 'autocannon';

import { appRouter, createCallerFactory, createContext } from '@openhouse/api';
import { createVerifier, loadAuthEnv } from '@openhouse/auth';
import { mintDevToken } from '@openhouse/auth/dev-token';
import { startPortal } from '@openhouse/harness/next-server';
import type { Teardown } from '@openhouse/harness/teardown';

import {
  busyBetween,
  closedLoop,
  machineCpu,
  medianCell,
  medianRatio,
  processCpuUs,
  type CellResult,
} from './measure';
import { POOL_MAX, POOL_MIN } from './options';
import { NOTICE_LIMIT, type BenchHomeowner, type ExpectedRows } from './workload';
import { appDatabase } from './ways/with-rls';

/**
 * The cost of the HTTP path: `GET /api/trpc/noticeboard.list?input={"limit":20}` against a
 * production build of the tenant portal served as `pnpm start` serves it (the portal's server:
 * `/api/trpc` beside Next.js → tRPC fetch adapter → context → withRls), beside three references:
 * the floor — `GET /api/health` of the same server, a Next.js route handler that touches no
 * database, so what Next.js and the HTTP round trip cost by themselves; the same procedure
 * through Next.js's route handler (the same build under plain `next start`, as `pnpm dev` and
 * serverless deployments serve it); and the procedure called in this process through
 * `createCallerFactory` with the real context (token verification included), on its own pool of
 * the same size.
 */

type WayKey = 'floor' | 'http' | 'viaNext' | 'inProcess';

/** Rounds each HTTP cell is interleaved in (see measureHttpOverhead). */
export const HTTP_ROUNDS = 5;

export interface HttpComparison {
  concurrency: number;
  /** HTTP over floor req/s: the median of the rounds' own ratios. */
  httpToFloor: number;
  /** Via Next.js over floor req/s: the median of the rounds' own ratios. */
  viaNextToFloor: number;
  floor: CellResult;
  http: CellResult;
  /** The procedure through Next.js's route handler (`next start`). */
  viaNext: CellResult;
  inProcess: CellResult;
}

export interface HttpResult {
  /** How long it took to build (if needed) and start the portal's server. */
  startupSeconds: number;
  cells: HttpComparison[];
}

/** A fixed, bench-only HS256 secret (≥ 32 bytes, as the env requires). */
export const BENCH_JWT_SECRET = 'openhouse-bench-secret-0123456789abcdef';
export const PROCEDURE_PATH = `/api/trpc/noticeboard.list?input=${encodeURIComponent(JSON.stringify({ limit: NOTICE_LIMIT }))}`;
/** The floor: liveness answers the pool's counters from memory, never a database round trip. */
export const FLOOR_PATH = '/api/health';

interface ListResponse {
  items: { id: string }[];
}

export async function measureHttpOverhead(options: {
  appUrl: string;
  homeowners: BenchHomeowner[];
  expected: ExpectedRows;
  concurrencies: number[];
  seconds: number;
  warmupSeconds: number;
  teardown: Teardown;
  log: (line: string) => void;
}): Promise<HttpResult> {
  const { appUrl, homeowners, expected, teardown, log } = options;
  const tokens = await Promise.all(
    homeowners.map(({ user }) => mintDevToken(user, { secret: BENCH_JWT_SECRET, expiresIn: '2h' })),
  );

  log('starting the tenant portal (next build into apps/tenant-portal/.next-e2e first when sources changed)');
  const startedAt = performance.now();
  const portalEnv = {
    DATABASE_URL: appUrl,
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    DB_POOL_MAX: String(POOL_MAX),
    DB_POOL_MIN: String(POOL_MIN),
  };
  const portal = await startPortal('tenant-portal', portalEnv);
  const stopPortal = teardown.defer('stop the tenant portal', () => portal.stop());
  const startupSeconds = (performance.now() - startedAt) / 1000;
  log(`tenant portal up at ${portal.url} after ${startupSeconds.toFixed(1)} s`);
  const nextStart = await startPortal('tenant-portal', portalEnv, { server: 'next-start' });
  const stopNextStart = teardown.defer('stop the next start server', () => nextStart.stop());
  log(`the same build under next start at ${nextStart.url}`);

  const procedureAt =
    (baseUrl: string) =>
    async (index: number): Promise<ListResponse> =>
      (await getJson<{ result: { data: ListResponse } }>(baseUrl + PROCEDURE_PATH, tokens[index]!)).result
        .data;
  const overHttp = procedureAt(portal.url);
  const viaNext = procedureAt(nextStart.url);

  const database = appDatabase(appUrl, 'bench-http-in-process');
  const closeDatabase = teardown.defer('close the in-process pool', () => database.close());
  const verifyToken = createVerifier(loadAuthEnv({ AUTH_JWT_SECRET: BENCH_JWT_SECRET }));
  const createCaller = createCallerFactory(appRouter);
  const inProcess = async (index: number): Promise<ListResponse> => {
    const headers = new Headers({ authorization: `Bearer ${tokens[index]}` });
    const caller = createCaller(await createContext({ headers, database, verifyToken }));
    return caller.noticeboard.list({ limit: NOTICE_LIMIT });
  };

  try {
    // Both paths must answer each homeowner with their 20 newest notices before anything is timed.
    for (const [index, homeowner] of homeowners.entries()) {
      expected.check('HTTP', homeowner, (await overHttp(index)).items);
      expected.check('HTTP via Next.js', homeowner, (await viaNext(index)).items);
      expected.check('in-process', homeowner, (await inProcess(index)).items);
    }
    // The floor gets the same tokens (health ignores them), so both carry the same headers.
    const health = await getJson<{ status?: string }>(portal.url + FLOOR_PATH, tokens[0]!);
    if (health.status !== 'ok') throw new Error(`bench: ${FLOOR_PATH} answered ${JSON.stringify(health)}`);

    const inProcessLoop = async (caller: number, iteration: number) => {
      const { items } = await inProcess((caller + iteration) % homeowners.length);
      if (items.length !== NOTICE_LIMIT)
        throw new Error(`bench: ${items.length} notices instead of ${NOTICE_LIMIT}`);
    };
    // Over HTTP the client is autocannon, as the issue measured: little CPU of the machine it
    // shares with the server and Postgres. The answers were checked above.
    const ways: [WayKey, string, (concurrency: number, seconds: number) => Promise<CellResult>][] = [
      [
        'floor',
        'floor (/api/health)',
        (c, s) => autocannonCell(portal.url + FLOOR_PATH, tokens, c, s, portal.pid),
      ],
      [
        'http',
        'HTTP procedure     ',
        (c, s) => autocannonCell(portal.url + PROCEDURE_PATH, tokens, c, s, portal.pid),
      ],
      [
        'viaNext',
        'via Next.js route  ',
        (c, s) => autocannonCell(nextStart.url + PROCEDURE_PATH, tokens, c, s, nextStart.pid),
      ],
      ['inProcess', 'in-process         ', (c, s) => closedLoop(c, s, inProcessLoop)],
    ];
    const cells: HttpComparison[] = [];
    for (const concurrency of options.concurrencies) {
      for (const [, , measure] of ways) await measure(concurrency, options.warmupSeconds);
      // Interleaved: each way in turn for a slice of its time, HTTP_ROUNDS times. The machine is
      // shared, and its speed drifts within seconds; a slow spell then lands on every way alike,
      // and each round's ratios compare ways measured side by side.
      const slices = { floor: [], http: [], viaNext: [], inProcess: [] } as Record<WayKey, CellResult[]>;
      for (let round = 0; round < HTTP_ROUNDS; round++) {
        for (const [key, , measure] of ways)
          slices[key].push(await measure(concurrency, options.seconds / HTTP_ROUNDS));
      }
      const cell: HttpComparison = {
        concurrency,
        floor: medianCell(slices.floor),
        http: medianCell(slices.http),
        viaNext: medianCell(slices.viaNext),
        inProcess: medianCell(slices.inProcess),
        httpToFloor: medianRatio(slices.http, slices.floor),
        viaNextToFloor: medianRatio(slices.viaNext, slices.floor),
      };
      for (const [key, name] of ways) {
        const cpu = cell[key].serverCpuUsPerOp ?? cell[key].clientCpuUsPerOp;
        log(
          `  ${name} ${String(concurrency).padStart(2)} callers: ${cell[key].opsPerSecond.toFixed(0)} ops/s` +
            (cpu === undefined ? '' : `, ${cpu.toFixed(0)} µs server CPU per request`),
        );
      }
      log(
        `  HTTP/floor ${concurrency} callers: ${cell.httpToFloor.toFixed(2)}× (median of ${HTTP_ROUNDS} rounds)`,
      );
      cells.push(cell);
    }
    return { startupSeconds, cells };
  } catch (error) {
    // The server's own words are usually the explanation (a crash, a missing variable).
    const output = [portal, nextStart]
      .map((server) => server.output().trim().split('\n').slice(-10).join('\n'))
      .join('\n---\n');
    throw new Error(`${(error as Error).message}\n--- tenant portal output (last lines) ---\n${output}`, {
      cause: error,
    });
  } finally {
    await closeDatabase();
    await stopNextStart();
    await stopPortal();
  }
}

/**
 * `concurrency` keep-alive connections sending `GET url` back to back for `seconds`, each request
 * with the next homeowner's token, and the CPU the server process spent meanwhile. Anything but a
 * 200 fails the cell: a benchmark of errors is worthless.
 */
async function autocannonCell(
  url: string,
  tokens: string[],
  concurrency: number,
  seconds: number,
  serverPid: number,
): Promise<CellResult> {
  let sent = 0;
  const cpuBefore = process.cpuUsage();
  const serverBefore = processCpuUs(serverPid);
  const machineBefore = machineCpu();
  const result = await autocannon({
    url,
    connections: concurrency,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${tokens[sent++ % tokens.length]}` },
        }),
      },
    ],
  });
  const serverAfter = processCpuUs(serverPid);
  const machineAfter = machineCpu();
  const cpu = process.cpuUsage(cpuBefore);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `bench: GET ${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const ops = result.requests.total;
  return {
    concurrency,
    ops,
    seconds: result.duration,
    opsPerSecond: ops / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    clientCpuUsPerOp: ops ? (cpu.user + cpu.system) / ops : undefined,
    serverCpuUsPerOp:
      serverBefore !== undefined && serverAfter !== undefined && ops
        ? (serverAfter - serverBefore) / ops
        : undefined,
    machineBusy: busyBetween(machineBefore, machineAfter),
  };
}

/** One GET's JSON body, for the checks before timing; anything but a 200 fails the bench. */
async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (response.status !== 200)
    throw new Error(`bench: GET ${url} answered ${response.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body) as T;
}
