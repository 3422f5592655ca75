import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

import { createContext } from '../context';
import { RateLimitedError } from '../rate-limit';
import { loadRequestLimits } from '../request-limits';
import { appRouter } from '../root';
import { getServerDeps } from './deps';
import { countedUntilSent, drain, RETRY_AFTER_SECONDS, shuttingDown } from './drain';
import { boundRequest } from './request-bounds';

/**
 * `GET|POST /api/trpc/<path>` as a Next.js route handler (`pnpm dev`, serverless deployments):
 * the router's answer, counted in flight for the drain until its body is out. The production
 * server answers the same path without Next.js (`portal-server.ts`), through `answerTrpc` too.
 */
export async function handleTrpcRequest(req: Request): Promise<Response> {
  if (drain.draining) return shuttingDown();
  drain.inFlight++;
  try {
    // Still in flight until its body is out: a drain must not exit mid-response.
    return countedUntilSent(await answerTrpc(req), req);
  } finally {
    drain.inFlight--;
  }
}

/**
 * The router's answer to one request, plain JSON. The request is held to its bounds first (URL,
 * batch size, body read in full: `request-bounds.ts`), so no procedure — and no pooled
 * connection — waits on a slow or oversized request. The caller counts it in flight.
 */
export async function answerTrpc(req: Request): Promise<Response> {
  const deps = getServerDeps();
  const { request, refusal } = await boundRequest(req, loadRequestLimits().API_MAX_BODY_BYTES);
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: () => {
      if (refusal) throw refusal;
      return createContext({ headers: request.headers, method: request.method, ...deps });
    },
    responseMeta: ({ errors }) => ({ headers: responseHeaders(errors) }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        console.error(`[trpc] ${path ?? '?'}: ${error.cause?.message ?? error.message}`);
      }
    },
  });
}

/** Where both portals serve the router. */
export const TRPC_ENDPOINT = '/api/trpc';

/**
 * Every answer is the caller's own data: no shared cache may keep it. And when to come back: a
 * busy or unreachable database is worth retrying shortly; a rate limit says when its next call
 * passes (the longest wait, when a batch hit several).
 */
function responseHeaders(errors: Error[]): Headers {
  const headers = new Headers({ 'cache-control': 'no-store' });
  const limited = errors.flatMap((error) =>
    error instanceof RateLimitedError ? [error.retryAfterSeconds] : [],
  );
  if (limited.length > 0) headers.set('retry-after', String(Math.max(...limited)));
  else if (errors.some((error) => (error as { code?: string }).code === 'SERVICE_UNAVAILABLE')) {
    headers.set('retry-after', RETRY_AFTER_SECONDS);
  }
  return headers;
}
