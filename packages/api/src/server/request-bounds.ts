import { TRPCError } from '@trpc/server';

import { MAX_BATCH_SIZE, MAX_URL_CHARS } from '../limits';

/**
 * The bounds a tRPC request is held to before any procedure runs: its URL, the number of calls in
 * a batch, and its body, read here in full. A request over a bound is answered with a TRPCError
 * (thrown from the context, so tRPC words the answer, batch or not) and none of its calls runs.
 */

export interface BoundedRequest {
  /** The request to hand to tRPC: the body, if any, already in memory. */
  request: Request;
  /** Why the request is refused, if it is. */
  refusal?: TRPCError;
}

export async function boundRequest(req: Request, maxBodyBytes: number): Promise<BoundedRequest> {
  const refusal = urlRefusal(req.url);
  if (refusal || req.method === 'GET' || req.method === 'HEAD' || !req.body) {
    return { request: refusal ? withBody(req, null) : req, refusal };
  }
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > maxBodyBytes) return { request: withBody(req, null), refusal: tooLarge(maxBodyBytes) };
  const body = await readAtMost(req.body, maxBodyBytes);
  if (!body) return { request: withBody(req, null), refusal: tooLarge(maxBodyBytes) };
  return { request: withBody(req, body) };
}

function urlRefusal(url: string): TRPCError | undefined {
  if (url.length > MAX_URL_CHARS) {
    return new TRPCError({
      code: 'BAD_REQUEST',
      message: `The request URL is ${url.length} characters; at most ${MAX_URL_CHARS} are accepted`,
    });
  }
  const { pathname, searchParams } = new URL(url);
  if (searchParams.get('batch') !== '1') return undefined;
  const calls = decodeURIComponent(pathname.slice(pathname.lastIndexOf('/') + 1)).split(',').length;
  if (calls <= MAX_BATCH_SIZE) return undefined;
  return new TRPCError({
    code: 'BAD_REQUEST',
    message: `batch: at most ${MAX_BATCH_SIZE} calls per request (got ${calls})`,
  });
}

const tooLarge = (maxBodyBytes: number) =>
  new TRPCError({
    code: 'PAYLOAD_TOO_LARGE',
    message: `The request body is over ${maxBodyBytes.toLocaleString('en-GB')} bytes (API_MAX_BODY_BYTES)`,
  });

/** The body, or `null` as soon as it passes `maxBytes` (the rest is not read). */
async function readAtMost(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/** `req` with `body` in place of its stream (`null`: none — the request is refused anyway). */
function withBody(req: Request, body: Uint8Array<ArrayBuffer> | null): Request {
  const headers = new Headers(req.headers);
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(req.url, {
    method: req.method,
    headers,
    body: hasBody ? (body ?? new Uint8Array(0)) : undefined,
    signal: req.signal,
  });
}
