import type { Instrumentation } from 'next';

/**
 * Both portals' `instrumentation.ts` re-export these. `register` runs once when the server
 * starts: settings, error tracking, the login-role guard, the pool's warm-up, SIGTERM handling.
 * Server code is imported lazily so the edge runtime never loads it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('./server');
    await startServer();
  }
}

/** Errors Next.js catches outside the tRPC router (pages, route handlers) go to Sentry too. */
export const onRequestError: Instrumentation.onRequestError = async (...args) => {
  const { captureRequestError } = await import('@openhouse/error-tracker');
  captureRequestError(...args);
};
