import type { Instrumentation } from 'next';

/**
 * Next.js compiles this file for both the Node.js and the Edge runtime. The server (pool, guard,
 * Sentry's Node SDK) is imported only under `NEXT_RUNTIME === 'nodejs'`, which Next.js replaces at
 * build time, so none of it reaches the Edge bundle; the portals run no Edge code of their own.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { register } = await import('@openhouse/api/instrumentation');
    await register();
  }
}

export const onRequestError: Instrumentation.onRequestError = async (...args) => {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { onRequestError } = await import('@openhouse/api/instrumentation');
    await onRequestError(...args);
  }
};
