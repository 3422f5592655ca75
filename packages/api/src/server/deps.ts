import { createVerifier, loadAuthEnv } from '@openhouse/auth';
import { createDatabase, loadDbEnv, poolConfigFromEnv } from '@openhouse/db';
import { processSingleton } from '@openhouse/env';
import { traceRlsTransaction } from '@openhouse/error-tracker';

import type { ContextDeps } from '../context';
import { observePoolWait } from '../metrics';
import { reportIdleClientError } from '../observe';

/**
 * What every request of this process shares: the one pool and the token verifier, made on first
 * use from the environment. This is the one place the pool's hooks are chosen — idle failures to
 * the metrics and Sentry, connection waits to the wait-time histogram.
 */
export function getServerDeps(): ContextDeps {
  return processSingleton('api.server-deps', () => {
    const verifyToken = createVerifier(loadAuthEnv());
    const database = createDatabase(poolConfigFromEnv(loadDbEnv()), {
      onIdleError: (error) => reportIdleClientError(error, database.stats()),
      onAcquired: observePoolWait,
      trace: traceRlsTransaction,
    });
    return { database, verifyToken };
  });
}
