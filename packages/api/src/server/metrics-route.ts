import { createHash, timingSafeEqual } from 'node:crypto';

import { loadAuthEnv } from '@openhouse/auth';

import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../metrics';
import { getServerDeps } from './deps';

/**
 * Who may scrape: with `METRICS_TOKEN` set, a request carrying `Authorization: Bearer
 * <METRICS_TOKEN>` (401 otherwise). Without it, a development or test server answers anyone and
 * any other server answers 404, as if there were no such route: route names, failure counts and
 * traffic are not for the public.
 */
export function metricsAccess(
  req: Pick<Request, 'headers'>,
  env: { NODE_ENV?: string; METRICS_TOKEN?: string },
): 'allowed' | 'unauthorized' | 'hidden' {
  if (!env.METRICS_TOKEN) {
    return env.NODE_ENV === 'development' || env.NODE_ENV === 'test' ? 'allowed' : 'hidden';
  }
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization')?.trim() ?? '');
  return match && sameSecret(match[1]!, env.METRICS_TOKEN) ? 'allowed' : 'unauthorized';
}

/** Compared as digests, so neither the length nor a prefix of the token leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `GET /api/metrics`: Prometheus text format, for whoever {@link metricsAccess} allows. */
export async function handleMetricsRequest(req: Request): Promise<Response> {
  const access = metricsAccess(req, loadAuthEnv());
  if (access === 'hidden') return new Response('Not found', { status: 404 });
  if (access === 'unauthorized') {
    return new Response('Unauthorized: send Authorization: Bearer <METRICS_TOKEN>', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="metrics"', 'cache-control': 'no-store' },
    });
  }
  const { database } = getServerDeps();
  return new Response(await renderPrometheus(database.stats()), {
    headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' },
  });
}
