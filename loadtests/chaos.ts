import { withAdminClient } from '@openhouse/db/admin';

import type { LoadDatabase } from './database';

/**
 * `--chaos`: during a suite, at fixed moments, terminate every backend of the app role (twice)
 * and stop and start Postgres (once). Each fault is recorded with when it began and ended, so the
 * report can count failures per phase and measure how long after each fault requests still failed.
 */

export interface Fault {
  name: string;
  /** Milliseconds since the suite started. */
  startedAt: number;
  endedAt: number;
}

/** When each fault is injected, as a fraction of the suite's duration. */
const SCHEDULE: { at: number; name: 'kill backends' | 'restart Postgres' }[] = [
  { at: 0.2, name: 'kill backends' },
  { at: 0.45, name: 'restart Postgres' },
  { at: 0.7, name: 'kill backends' },
];

/** The bar: after each fault, no failed response later than this. */
export const RECOVERY_LIMIT_MS = 2_000;

export async function killAppBackends(database: LoadDatabase): Promise<number> {
  return withAdminClient(database.adminUrl, async (client) => {
    const { rows } = await client.query<{ killed: boolean }>(
      `select pg_terminate_backend(pid) as killed from pg_stat_activity where usename = $1`,
      [database.appRole],
    );
    return rows.filter((row) => row.killed).length;
  });
}

/** Runs the schedule against a suite of `seconds` that started at `suiteStartedAt`. */
export async function injectFaults(
  database: LoadDatabase,
  seconds: number,
  suiteStartedAt: number,
  log: (line: string) => void,
): Promise<Fault[]> {
  const faults: Fault[] = [];
  for (const step of SCHEDULE) {
    const wait = suiteStartedAt + step.at * seconds * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const startedAt = Date.now() - suiteStartedAt;
    let detail: string;
    if (step.name === 'kill backends') {
      detail = `${await killAppBackends(database)} backends terminated`;
    } else {
      await database.restart!();
      detail = 'stopped and started';
    }
    const endedAt = Date.now() - suiteStartedAt;
    faults.push({ name: step.name, startedAt, endedAt });
    log(`  chaos at ${(startedAt / 1000).toFixed(1)} s: ${step.name} (${detail}, ${endedAt - startedAt} ms)`);
  }
  return faults;
}

export interface PhaseReport {
  phase: string;
  from: number;
  to: number;
  responses: number;
  failures: number;
  /** Milliseconds from the end of the fault to the last failed response of the phase. */
  recoveryMs: number | null;
}

/**
 * Splits the suite at the faults: "before any fault", then one phase per fault up to the next.
 * `outcomes` are [completion ms, ok] for every response and connection error.
 */
export function phases(faults: Fault[], outcomes: [number, boolean][], endMs: number): PhaseReport[] {
  const bounds = [
    { phase: 'before any fault', from: 0, faultEnd: null as number | null },
    ...faults.map((fault, i) => ({
      phase: `after ${fault.name} #${i + 1}`,
      from: fault.startedAt,
      faultEnd: fault.endedAt,
    })),
  ];
  return bounds.map((bound, i) => {
    const to = bounds[i + 1]?.from ?? endMs;
    const inPhase = outcomes.filter(([t]) => t >= bound.from && t < to);
    const failed = inPhase.filter(([, ok]) => !ok).map(([t]) => t);
    const lastFailure = failed.length ? Math.max(...failed) : null;
    return {
      phase: bound.phase,
      from: bound.from,
      to,
      responses: inPhase.length,
      failures: failed.length,
      recoveryMs:
        bound.faultEnd === null ? null : lastFailure === null ? 0 : Math.max(0, lastFailure - bound.faultEnd),
    };
  });
}
