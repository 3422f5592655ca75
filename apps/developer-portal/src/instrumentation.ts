import type { Instrumentation } from 'next';

/** Runs once when the server starts: settings, error tracking, the login-role guard, the pool's warm-up. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('@openhouse/api/server');
    const { loadAssistantEnv } = await import('@openhouse/api');
    try {
      // The assistant's model settings are checked at start-up too, not at the first question.
      loadAssistantEnv();
    } catch (error) {
      if (error instanceof Error && error.name === 'EnvError') {
        console.error(error.message);
        process.exit(1);
      }
      throw error;
    }
    await startServer();
  }
}

/** Errors Next.js catches outside the tRPC router (pages, route handlers) go to Sentry too. */
export const onRequestError: Instrumentation.onRequestError = async (...args) => {
  const { captureRequestError } = await import('@openhouse/error-tracker');
  captureRequestError(...args);
};
