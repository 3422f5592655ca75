import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

import { createContext } from '../context';
import { appRouter } from '../root';
import { getServerDeps } from './deps';
import { drain, RETRY_AFTER_SECONDS, shuttingDown } from './drain';

/** `GET|POST /api/trpc/<path>`: the router, plain JSON, counted in flight for the drain. */
export async function handleTrpcRequest(req: Request): Promise<Response> {
  if (drain.draining) return shuttingDown();
  const deps = getServerDeps();
  drain.inFlight++;
  try {
    return await fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: () => createContext({ headers: req.headers, ...deps }),
      // A busy or unreachable database is worth retrying shortly; say when.
      responseMeta: ({ errors }) =>
        errors.some((error) => error.code === 'SERVICE_UNAVAILABLE')
          ? { headers: new Headers({ 'retry-after': RETRY_AFTER_SECONDS }) }
          : {},
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(`[trpc] ${path ?? '?'}: ${error.cause?.message ?? error.message}`);
        }
      },
    });
  } finally {
    drain.inFlight--;
  }
}
