import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

import { createURL } from '@trpc/server/adapters/node-http';

import { captureRequestError } from '@openhouse/error-tracker';

import { drain, shuttingDown } from './drain';
import { answerTrpc, TRPC_ENDPOINT } from './trpc-route';

/**
 * `/api/trpc` answered on Node's own request and response, not through Next.js: the production
 * server (`portal-server.ts`) routes the path here. The answer is `answerTrpc`'s — the same bounds,
 * context, router and headers as the route handler `pnpm dev` and serverless deployments use —
 * only the wrapping differs: a fetch `Request` made from the Node request, and the `Response`
 * written back, gzipped when it is worth it, as Next.js would.
 */
export async function serveTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (drain.draining) return writeResponse(req, res, shuttingDown());
  // In flight until the response is out or the client has gone: 'close' comes either way.
  drain.inFlight++;
  res.once('close', () => drain.inFlight--);
  try {
    await writeResponse(req, res, await answerTrpc(toFetchRequest(req, res)));
  } catch (error) {
    // A client that hung up mid-body: nobody to answer, nothing went wrong here.
    if (req.destroyed && !req.complete) return;
    // answerTrpc turns every failure into tRPC's own answer; reaching here is a bug, so it is
    // reported as Next.js reports a route handler's throw, and the client still gets its 500.
    console.error(`[trpc] ${req.method} ${req.url}: ${(error as Error).message}`);
    void captureRequestError(
      error,
      { path: req.url ?? TRPC_ENDPOINT, method: req.method ?? 'GET', headers: req.headers },
      { routerKind: 'App Router', routePath: `${TRPC_ENDPOINT}/[trpc]`, routeType: 'route' },
    );
    if (res.headersSent) res.destroy();
    else writeJson(res, 500, { error: { message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' } });
  }
}

/** Bodies this size or larger are gzipped for a client that accepts it (`compression`'s default). */
const COMPRESS_FROM_BYTES = 1024;
const gzip = promisify(gzipCallback);

/**
 * The Node request as a fetch `Request`: headers as sent, and the body (if any) as a stream that
 * the bounds in `request-bounds.ts` read. No abort signal follows the client: no procedure
 * listens for one, each costs two `AbortSignal`s a request, and a client that leaves is already
 * handled here — its answer is dropped, and it stops counting in flight.
 */
function toFetchRequest(req: IncomingMessage, res: ServerResponse): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(createURL(req), {
    method,
    headers,
    body: hasBody ? bodyStream(req, res) : undefined,
    // A streamed request body must say so (fetch's rule; Node's types lag behind it).
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * The request body as a web stream. When the reader stops early (the body is over
 * `API_MAX_BODY_BYTES`), the rest is discarded rather than the socket destroyed — destroying it
 * would lose the 413 that says why — and the connection closes once that answer is out.
 */
function bodyStream(req: IncomingMessage, res: ServerResponse): ReadableStream<Uint8Array> {
  // Once the reader has stopped, the rest of the body (and its end or error) is ignored: a
  // cancelled stream's controller throws if used, and here that would be an uncaught exception.
  let reading = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (!reading) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => {
        if (reading) controller.close();
        reading = false;
      });
      req.once('error', (error) => {
        if (reading) controller.error(error);
        reading = false;
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      reading = false;
      res.shouldKeepAlive = false;
      req.resume();
    },
  });
}

/** `response` onto `res`: status, headers (every Set-Cookie kept apart), the body in one write. */
async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  let body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (body && body.byteLength >= COMPRESS_FROM_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
    body = await gzip(body);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'Accept-Encoding';
  }
  if (body) headers['content-length'] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Whether `Accept-Encoding` allows gzip (`gzip` or `*`, not at `q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
