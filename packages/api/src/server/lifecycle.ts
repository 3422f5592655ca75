import { assertSafeLoginRole, type Database } from '@openhouse/db';
import { isStartupRefusal } from '@openhouse/env';
import { flushErrorTracking, initErrorTracking, loadSentryEnv } from '@openhouse/error-tracker';

import { loadAssistantEnv } from '../assistant/env';
import { getServerDeps } from './deps';
import { drain } from './drain';

/**
 * Start-up: parse every variable, start error tracking, check the login role cannot see past
 * RLS, open `DB_POOL_MIN` connections, take over SIGTERM. A bad setting or an unsafe role prints
 * one line saying so and stops the process.
 */
export async function startServer(): Promise<void> {
  try {
    initErrorTracking(loadSentryEnv());
    // The assistant's model settings are checked here too, not at the first question.
    loadAssistantEnv();
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
 * period), then close the pool and exit. Next.js leaves the signals to us when started with
 * NEXT_MANUAL_SIG_HANDLE=true (the portals' start scripts set it).
 */
function installShutdownHandlers(database: Database) {
  const shutdown = async (signal: string) => {
    if (drain.draining) return;
    drain.draining = true;
    console.log(`[server] ${signal}: draining ${drain.inFlight} in-flight request(s)`);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (drain.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await database.close();
    await flushErrorTracking();
    console.log('[server] pool closed, exiting');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
