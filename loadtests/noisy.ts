import type { Teardown } from '@openhouse/harness/teardown';

import { startLoadDatabases } from './database';
import { fork } from 'node:child_process';

import type { DriveResult } from './drive';
import { loadHomeowners, LOAD_JWT_SECRET, type LoadHomeowner } from './homeowners';
import { markdown } from './report';
import { summariseLatency } from './stats';
import { browseSuite } from './loadtest-browse';
import type { NoisyDriveRequest } from './noisy-driver';
import { startTopology } from './topology';

/**
 * `pnpm load --profile noisy`: one tenant floods the portal while another uses it lightly. Tenant
 * A runs at 20 × DB_POOL_MAX concurrency; tenant B at 5 connections, first alone, then beside A,
 * against the same portal in the same invocation. Both browse (`browseSuite`: a page load's
 * reads), each driven from a process of its own. The pool's share-out between tenants (`fair-share.ts`) is what
 * keeps B's answer times near its solo ones; the target: B without errors and B's p99 beside A at
 * most 2 × its solo p99. A may get 503s past its share of the queue, never a hang.
 */

export const NOISY = {
  poolMax: 10,
  floodConnections: 200,
  lightConnections: 5,
  seconds: 20,
  /** B's p99 beside A, as a multiple of B's solo p99. */
  targetP99Ratio: 2,
} as const;

interface Side {
  label: string;
  connections: number;
  drive: DriveResult;
}

const errorsOf = (drive: DriveResult) =>
  drive.non2xx + drive.connectionErrors + drive.timeouts + drive.shapeErrors;

function row({ label, connections, drive }: Side): string[] {
  const latency = summariseLatency(drive.responses);
  return [
    label,
    String(connections),
    String(drive.requests),
    (drive.requests / drive.durationSeconds).toFixed(0),
    latency.p50.toFixed(0),
    latency.p99.toFixed(0),
    String(drive.non2xx),
    String(errorsOf(drive)),
  ];
}

/** The two tenants with the most homeowners: A floods, B browses. */
function twoTenants(homeowners: LoadHomeowner[]): [LoadHomeowner[], LoadHomeowner[]] {
  const byTenant = new Map<string, LoadHomeowner[]>();
  for (const homeowner of homeowners) {
    const list = byTenant.get(homeowner.user.tenantId) ?? [];
    list.push(homeowner);
    byTenant.set(homeowner.user.tenantId, list);
  }
  const [a, b] = [...byTenant.values()].sort((x, y) => y.length - x.length);
  if (!a || !b) throw new Error('the noisy profile needs homeowners of two tenants in the seed');
  return [a, b];
}

/** Runs one side's autocannon in a forked process (`noisy-driver.ts`) and returns its result. */
function driveInOwnProcess(request: NoisyDriveRequest): Promise<DriveResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./noisy-driver.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'] });
    child.once('message', (result) => resolve(result as DriveResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the ${request.connections}-connection driver exited with ${code}`));
    });
    child.send(request);
  });
}

/** Runs the profile; resolves `true` when the target is met. */
export async function runNoisy(teardown: Teardown, log: (line: string) => void): Promise<boolean> {
  const [database] = await startLoadDatabases(['small'], teardown, log);
  const [flooders, browsers] = twoTenants(await loadHomeowners());
  const topology = await startTopology({
    name: 'direct',
    database: database!,
    portalEnv: {
      DB_POOL_MAX: String(NOISY.poolMax),
      DB_POOL_MIN: '2',
      AUTH_JWT_SECRET: LOAD_JWT_SECRET,
    },
    poolMax: NOISY.poolMax,
    teardown,
    log,
  });
  const urls = topology.portals.map((portal) => portal.url);
  const drive = (homeowners: LoadHomeowner[], connections: number) =>
    driveInOwnProcess({ urls, homeowners, connections, seconds: NOISY.seconds });

  log(`tenant B alone: ${NOISY.lightConnections} connections for ${NOISY.seconds} s`);
  const solo = await drive(browsers, NOISY.lightConnections);
  log(
    `tenant A (${NOISY.floodConnections} connections) beside tenant B (${NOISY.lightConnections}) for ${NOISY.seconds} s`,
  );
  const [flood, beside] = await Promise.all([
    drive(flooders, NOISY.floodConnections),
    drive(browsers, NOISY.lightConnections),
  ]);
  await topology.stop();

  const sides: Side[] = [
    { label: 'tenant B alone', connections: NOISY.lightConnections, drive: solo },
    { label: 'tenant B beside A', connections: NOISY.lightConnections, drive: beside },
    { label: 'tenant A (flooding)', connections: NOISY.floodConnections, drive: flood },
  ];
  const ratio = summariseLatency(beside.responses).p99 / Math.max(1, summariseLatency(solo.responses).p99);
  const passed = errorsOf(beside) === 0 && ratio <= NOISY.targetP99Ratio && flood.timeouts === 0;
  console.log(
    `\n## pnpm load --profile noisy — ${topology.description}, DB_POOL_MAX=${NOISY.poolMax}; ${browseSuite.mix}\n\n` +
      markdown(
        ['', 'connections', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
        sides.map(row),
      ) +
      `\n\ntenant B p99 beside A / alone: ${ratio.toFixed(2)}× (target ≤ ${NOISY.targetP99Ratio}×); ` +
      `tenant B errors beside A: ${errorsOf(beside)} (target 0); tenant A timeouts: ${flood.timeouts} ` +
      `(target 0; its non-2xx are 503s past its share) — ${passed ? 'target met' : 'TARGET MISSED'}\n`,
  );
  for (const sample of flood.failureSamples.slice(0, 3)) log(`  tenant A: ${sample}`);
  for (const sample of beside.failureSamples.slice(0, 3)) log(`  tenant B: ${sample}`);
  return passed;
}
