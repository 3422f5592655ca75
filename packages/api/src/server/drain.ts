import { processSingleton } from '@openhouse/env';

/**
 * Whether the process is draining (SIGTERM received) and how many requests are still in flight.
 * Set by the shutdown handler, read by every route handler.
 */
export const drain = processSingleton('api.drain', () => ({ inFlight: 0, draining: false }));

/** Seconds a client should wait before retrying a 503: a busy database, or a server going away. */
export const RETRY_AFTER_SECONDS = '1';

/** What a draining server answers instead of starting new work. */
export const shuttingDown = () =>
  Response.json(
    { error: { message: 'The server is shutting down; retry shortly', code: 'SERVICE_UNAVAILABLE' } },
    { status: 503, headers: { 'retry-after': RETRY_AFTER_SECONDS, connection: 'close' } },
  );

/**
 * `response`, counted in flight until its body has been read out to the client, or the client has
 * gone (`request`'s signal). A route handler
 * returns before Next.js has written the body; a drain that stopped counting there could exit
 * the process mid-body and cut the last response off.
 */
export function countedUntilSent(response: Response, request: Request): Response {
  if (!response.body) return response;
  drain.inFlight++;
  let counted = true;
  const sent = () => {
    if (counted) drain.inFlight--;
    counted = false;
  };
  // A client that hung up never reads the body: it is not in flight any more.
  if (request.signal.aborted) sent();
  else request.signal.addEventListener('abort', sent, { once: true });
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          sent();
        } else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
        sent();
      }
    },
    cancel(reason) {
      sent();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
