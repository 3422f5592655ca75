import type { Instrumentation } from 'next';

/** Runs once when the server starts: settings, error tracking, the login-role guard, the pool's warm-up. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('@openhouse/api/server');
    await startServer();
  }
}

/** Errors Next.js catches outside the tRPC router (pages, route handlers) go to Sentry too. */
export const onRequestError: Instrumentation.onRequestError = async (...args) => {
  const { captureRequestError } = await import('@openhouse/error-tracker');
  captureRequestError(...args);
};
