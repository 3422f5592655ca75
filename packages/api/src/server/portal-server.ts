import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { isStartupRefusal, parseEnv, StartupRefusal, tcpPort } from '@openhouse/env';
import { z } from 'zod';

import { startServer } from './lifecycle';
import { TRPC_ENDPOINT } from './trpc-route';
import { serveTrpc } from './trpc-node';

/** What the server needs of a portal's Next.js app: `next({ dir })`, from the portal's own `next`. */
export interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * A portal's production server (`pnpm start`): one Node HTTP server in which `/api/trpc/…` goes
 * straight to the router (`trpc-node.ts`) and everything else — pages, assets, probes, metrics —
 * to Next.js. Next.js's own work per request (routing, its request and response wrappers, the
 * rendering context) cost more than the tRPC call it carries; the router, its bounds, the context
 * and the one pool are the same either way (docs/PHASE_20.1_DB_POOLING.md, "HTTP path, second
 * round").
 *
 * Start-up is `next start`'s — every variable parsed, the login-role guard, the pool warmed,
 * SIGTERM drained — before the port opens; it runs here first, so the pool is built by the code
 * `/api/trpc` runs, and the portal's `instrumentation.ts` (in `app.prepare()`) finds it done.
 */
export async function servePortal(app: NextApp, options: { defaultPort: number }): Promise<Server> {
  const port = settingsOrExit(options.defaultPort);
  await startServer();
  await app.prepare();
  const handleWithNext = app.getRequestHandler();
  const server = createServer((req, res) => {
    if (isTrpcPath(req.url)) {
      void serveTrpc(req, res);
      return;
    }
    handleWithNext(req, res).catch((error: unknown) => {
      // What `next start` does with a request Next.js itself failed on.
      console.error(`[server] ${req.method} ${req.url}: ${(error as Error).message}`);
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 500;
        res.end('Internal Server Error');
      }
    });
  });
  await new Promise<void>((resolve) => {
    const refused = (error: NodeJS.ErrnoException) => {
      console.error(
        error.code === 'EADDRINUSE'
          ? `PORT ${port} is already in use: stop what holds it or set PORT`
          : `Cannot listen on PORT ${port}: ${error.message}`,
      );
      process.exit(1);
    };
    server.once('error', refused);
    server.listen(port, () => {
      server.off('error', refused);
      resolve();
    });
  });
  console.log(`[server] listening on http://localhost:${port} (${TRPC_ENDPOINT} served beside Next.js)`);
  return server;
}

/**
 * The port to listen on (`PORT`, else the portal's own default), once `NODE_ENV` is production:
 * Next.js and React read it before anything here runs, so whoever starts the server must set it.
 * Either refused is one line naming the variable, and exit 1.
 */
function settingsOrExit(defaultPort: number): number {
  try {
    if (process.env.NODE_ENV !== 'production') {
      throw new StartupRefusal(
        `NODE_ENV must be production for a portal's production server (it is "${process.env.NODE_ENV ?? ''}"); pnpm dev serves development`,
      );
    }
    return parseEnv(z.object({ PORT: tcpPort('PORT').default(defaultPort) }), process.env).PORT;
  } catch (error) {
    if (!isStartupRefusal(error)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** `/api/trpc`, `/api/trpc/<path>` or `/api/trpc?…` — the router's URLs, and nothing else. */
export function isTrpcPath(url: string | undefined): boolean {
  if (!url?.startsWith(TRPC_ENDPOINT)) return false;
  const next = url.charAt(TRPC_ENDPOINT.length);
  return next === '' || next === '/' || next === '?';
}
