import { assertSafeLoginRole, type Database } from '@openhouse/db';
import { isStartupRefusal, processSingleton } from '@openhouse/env';
import { flushErrorTracking, initErrorTracking, loadSentryEnv } from '@openhouse/error-tracker';

import { loadAssistantEnv } from '../assistant/env';
import { loadRequestLimits } from '../request-limits';
import { getServerDeps } from './deps';
import { drain } from './drain';

/**
 * Start-up: parse every variable, start error tracking, check the login role cannot see past
 * RLS, open `DB_POOL_MIN` connections, take over SIGTERM. A bad setting or an unsafe role prints
 * one line saying so and stops the process.
 *
 * Once per process: the production server (`portal-server.ts`) starts before Next.js, and Next.js's
 * instrumentation hook — its own bundled copy of this module — then finds it started. So the pool
 * and every process-wide object are this (unbundled) copy's, the one `/api/trpc` runs on.
 */
export function startServer(): Promise<void> {
  return processSingleton('api.server-started', start);
}

async function start(): Promise<void> {
  try {
    initErrorTracking(loadSentryEnv());
    // The assistant's model settings and the request limits are checked here too, not at first use.
    loadAssistantEnv();
    loadRequestLimits();
    const { database } = getServerDeps();
    await assertSafeLoginRole(database.pool);
    await database.warm();
    installShutdownHandlers(database);
  } catch (error) {
    if (isStartupRefusal(error)) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const SHUTDOWN_GRACE_MS = 25_000;

/**
 * SIGTERM / SIGINT: refuse new requests (503), let in-flight ones finish (up to the grace
 * period), then close the pool and exit. The production server (`portal-server.ts`) leaves the
 * signals to us; `next start` would too with NEXT_MANUAL_SIG_HANDLE=true.
 */
function installShutdownHandlers(database: Database) {
  const shutdown = async (signal: string) => {
    if (drain.draining) return;
    // Whatever the database (or Sentry) does, the process is gone a little after its grace.
    setTimeout(() => {
      console.error('[server] shutdown grace exceeded, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 2_000).unref();
    console.log(`[server] ${signal}: draining ${drain.inFlight} in-flight request(s)`);
    const closed = await drainAndClose(database, SHUTDOWN_GRACE_MS);
    await withinMs(flushErrorTracking(), 2_000);
    console.log(closed ? '[server] pool closed, exiting' : '[server] pool did not close in time, exiting');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * Refuses new requests, waits for in-flight ones, then closes the pool — all within `graceMs`,
 * whatever the database does (a stalled backend never answers, so `pool.end()` alone could wait
 * for ever). Resolves `true` when the pool closed in time, `false` when the grace ran out.
 */
export async function drainAndClose(database: Database, graceMs: number): Promise<boolean> {
  drain.draining = true;
  const deadline = Date.now() + graceMs;
  while (drain.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return withinMs(
    database.close().then(() => true),
    Math.max(0, deadline - Date.now()),
  );
}

/** `promise`'s outcome, or `false` when it has not settled within `ms`; never rejects. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.catch(() => false as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
