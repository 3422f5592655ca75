import { classifyDbFailure } from './failures';

/**
 * Runs a transaction again when its connection broke before anything of it was committed (see
 * `committed` in `failures.ts`): Postgres rolled it back, so running it again is safe for reads and
 * writes alike — `withRls`'s function touches only the database. The caller sees the result.
 *
 * - A connection found dead at checkout (BEGIN never answered: a backend killed while idle, a
 *   restarted server) ran nothing: it is destroyed and the next one tried, up to as many as the
 *   pool holds, since one kill or restart leaves every idle connection dead at once.
 * - A connection that broke mid-transaction is replayed once; a second break is the caller's
 *   failure (an operator killing the same runaway query twice means it).
 */
export async function replayBrokenTransaction<T>(
  attempt: () => Promise<T>,
  options: { maxDeadConnections: number; onReplay?: () => void },
): Promise<T> {
  let deadConnections = 0;
  let replays = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const failure = classifyDbFailure(error);
      const brokeUncommitted =
        failure?.phase === 'transaction' &&
        failure.kind === 'connection_terminated' &&
        failure.committed === false;
      if (!brokeUncommitted) throw error;
      if (!failure.begun && deadConnections < options.maxDeadConnections) deadConnections++;
      else if (replays < 1) replays++;
      else throw error;
      options.onReplay?.();
    }
  }
}
