import type { Database } from '@openhouse/db';

import { getServerDeps } from './deps';
import { drain, shuttingDown } from './drain';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * Liveness: the pool's counters from memory, never a database round trip, so a saturated or
 * stalled database does not make a live process look dead. Saturation is data (`saturated`,
 * `waiting`), not a status code; 503 only while the server drains.
 */
export function healthResponse(database: Database): Response {
  if (drain.draining) return shuttingDown();
  const pool = database.stats();
  const saturated = pool.waiting > 0 || (pool.total >= pool.max && pool.idle === 0);
  return Response.json({ status: 'ok', saturated, pool }, { status: 200, headers: NO_STORE });
}

/**
 * Readiness: 200 when the database answers `select 1` on the dedicated probe connection (never
 * queued behind requests; bounded by its own short timeout), 503 when it does not or while
 * draining. The body names no internal detail.
 */
export async function readyResponse(database: Database): Promise<Response> {
  if (drain.draining) return shuttingDown();
  const ready = await database.ready();
  if (drain.draining) return shuttingDown();
  return ready
    ? Response.json({ status: 'ready' }, { status: 200, headers: NO_STORE })
    : Response.json({ status: 'unavailable' }, { status: 503, headers: { ...NO_STORE, 'retry-after': '1' } });
}

/** `GET /api/health`: liveness (see {@link healthResponse}). */
export async function handleHealthRequest(): Promise<Response> {
  if (drain.draining) return shuttingDown();
  return healthResponse(getServerDeps().database);
}

/** `GET /api/ready`: readiness (see {@link readyResponse}). */
export async function handleReadyRequest(): Promise<Response> {
  if (drain.draining) return shuttingDown();
  return readyResponse(getServerDeps().database);
}
