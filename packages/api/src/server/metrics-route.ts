import { renderPrometheus } from '../metrics';
import { getServerDeps } from './deps';

/** `GET /api/metrics`: Prometheus text format. */
export function handleMetricsRequest(): Response {
  const { database } = getServerDeps();
  return new Response(renderPrometheus(database.stats()), {
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
  });
}
