import { getServerDeps } from './deps';
import { drain, shuttingDown } from './drain';

/** `GET /api/health`: the pool's counters, and 503 when the database cannot be reached. */
export async function handleHealthRequest(): Promise<Response> {
  if (drain.draining) return shuttingDown();
  const { database } = getServerDeps();
  let reachable = true;
  let error: string | undefined;
  try {
    await database.ping();
  } catch (cause) {
    reachable = false;
    error = (cause as Error).message;
  }
  return Response.json(
    { status: reachable ? 'ok' : 'unavailable', database: { reachable, error }, pool: database.stats() },
    { status: reachable ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
