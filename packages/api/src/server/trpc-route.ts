import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

import { createContext } from '../context';
import { RateLimitedError } from '../rate-limit';
import { loadRequestLimits } from '../request-limits';
import { appRouter } from '../root';
import { getServerDeps } from './deps';
import { countedUntilSent, drain, RETRY_AFTER_SECONDS, shuttingDown } from './drain';
import { boundRequest } from './request-bounds';

/**
 * `GET|POST /api/trpc/<path>`: the router, plain JSON, counted in flight for the drain. The
 * request is held to its bounds first (URL, batch size, body read in full: `request-bounds.ts`),
 * so no procedure — and no pooled connection — waits on a slow or oversized request.
 */
export async function handleTrpcRequest(req: Request): Promise<Response> {
  if (drain.draining) return shuttingDown();
  const deps = getServerDeps();
  drain.inFlight++;
  try {
    const { request, refusal } = await boundRequest(req, loadRequestLimits().API_MAX_BODY_BYTES);
    const response = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: request,
      router: appRouter,
      createContext: () => {
        if (refusal) throw refusal;
        return createContext({ headers: request.headers, method: request.method, ...deps });
      },
      responseMeta: ({ errors }) => ({ headers: retryAfter(errors) }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(`[trpc] ${path ?? '?'}: ${error.cause?.message ?? error.message}`);
        }
      },
    });
    // Still in flight until its body is out: a drain must not exit mid-response.
    return countedUntilSent(response, req);
  } finally {
    drain.inFlight--;
  }
}

/**
 * When to come back: a busy or unreachable database is worth retrying shortly; a rate limit says
 * when its next call passes (the longest wait, when a batch hit several).
 */
function retryAfter(errors: Error[]): Headers | undefined {
  const limited = errors.flatMap((error) =>
    error instanceof RateLimitedError ? [error.retryAfterSeconds] : [],
  );
  if (limited.length > 0) return new Headers({ 'retry-after': String(Math.max(...limited)) });
  if (errors.some((error) => (error as { code?: string }).code === 'SERVICE_UNAVAILABLE')) {
    return new Headers({ 'retry-after': RETRY_AFTER_SECONDS });
  }
  return undefined;
}
