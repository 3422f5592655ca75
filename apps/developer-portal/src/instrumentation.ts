/** Runs once when the server starts: settings, the login-role guard, and the pool's warm-up. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('@openhouse/api/server');
    await startServer();
  }
}
