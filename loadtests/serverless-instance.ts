import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { failureCounts, recentFailures } from '@openhouse/api';
import { handleHealthRequest, handleTrpcRequest, startServer } from '@openhouse/api/server';
import { createVerifier, loadAuthEnv } from '@openhouse/auth';
import { createDatabase, loadDbEnv, poolConfigFromEnv, type Database } from '@openhouse/db';
import { processSingleton } from '@openhouse/env';

/**
 * One serverless function instance (`pnpm load --topology serverless`), run as its own process
 * by the load run's front: the real router behind the same route code the portals call
 * (`handleTrpcRequest`), the real start-up (`startServer`: every variable parsed, the login role
 * checked, `DB_POOL_MIN` opened), with the environment the front gives it (`VERCEL=1`: the
 * platform's pool defaults). It tells the front over IPC when it listens and, while it runs, its
 * database failure counts by kind, so that a frozen or reclaimed instance's counts are not lost.
 *
 * `SERVERLESS_CLIENT=per-request` serves every transaction on a pool of its own (max 1) that is
 * closed as soon as the transaction ends: nothing is held between requests (Hyperdrive's "a client
 * per request"). Otherwise the process's one module-global pool serves every request.
 */

export type InstanceMessage =
  | { type: 'ready'; port: number }
  | {
      type: 'failures';
      counts: Record<string, number>;
      /** The latest few, newest first: kind, route and SQLSTATE, to say what a count was. */
      recent: { kind: string; route: string; sqlState?: string }[];
    };

function perRequestDatabase(): Database {
  const config = poolConfigFromEnv(loadDbEnv());
  // The start-up check and the health route still need a pool: one that never keeps a client.
  const shared = createDatabase({ ...config, min: 0, max: 1, idleTimeoutMillis: 1_000, platform: 'server' });
  return {
    ...shared,
    async withRls(claims, fn) {
      const own = createDatabase({ ...config, min: 0, max: 1, platform: 'server' });
      try {
        return await own.withRls(claims, fn);
      } finally {
        await own.close();
      }
    },
  };
}

async function main() {
  if (process.env.SERVERLESS_CLIENT === 'per-request') {
    // The serving code takes its database from the process's server dependencies; made here
    // first, they are the per-request ones (the name is `getServerDeps`' in packages/api).
    processSingleton('api.server-deps', () => ({
      database: perRequestDatabase(),
      verifyToken: createVerifier(loadAuthEnv()),
    }));
  }
  await startServer();

  const server = createServer((req, res) => void serve(req, res, port));
  // The front's connections stay open for the instance's life. With Node's 5 s keep-alive timer a
  // thawed instance would close them the moment it resumes (the timer ran out while frozen) and
  // reset the request the front just sent on one: a platform invokes a function, it does not race it.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  send({ type: 'ready', port });

  // Cumulative counts, sent when they change: the front keeps the last ones it received.
  let last = '';
  setInterval(() => {
    const counts: Record<string, number> = {};
    for (const { kind, count } of failureCounts()) counts[kind] = (counts[kind] ?? 0) + count;
    const text = JSON.stringify(counts);
    if (text !== last) {
      const recent = recentFailures()
        .slice(0, 5)
        .map(({ kind, route, sqlState }) => ({ kind, route, sqlState }));
      send({ type: 'failures', counts, recent });
    }
    last = text;
  }, 100);
  process.on('disconnect', () => process.exit(0));
}

function send(message: InstanceMessage) {
  process.send?.(message);
}

async function serve(req: IncomingMessage, res: ServerResponse, port: number) {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const response = url.pathname.startsWith('/api/trpc')
      ? await handleTrpcRequest(request)
      : url.pathname === '/api/health'
        ? await handleHealthRequest()
        : new Response('not found', { status: 404 });
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, {
      ...Object.fromEntries(response.headers),
      'content-length': String(body.length),
    });
    res.end(body);
  } catch (error) {
    console.error(`[instance] ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('instance error');
  }
}

await main();
