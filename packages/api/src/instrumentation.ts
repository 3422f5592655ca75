import type { Instrumentation } from 'next';

/**
 * Both portals' `instrumentation.ts` call these, and only in the Node.js runtime (the Edge bundle
 * never imports this module). `register` runs once when the server starts: settings, error
 * tracking, the login-role guard, the pool's warm-up, SIGTERM handling.
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
