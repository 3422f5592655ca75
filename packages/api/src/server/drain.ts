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
