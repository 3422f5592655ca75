import { TEST_JWT_SECRET } from './api';
import { startPortal, type NextServer } from './next-server';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * The tenant portal as users reach it, for one test file: a fresh database cloned from the seeded
 * template and the production build over real HTTP on it, signing tokens with the test secret.
 * `env` adds to or overrides the portal's environment.
 */
export interface TestPortal {
  testDb: TestDatabase;
  server: NextServer;
  /** Stops the server, then drops the database. */
  stop(): Promise<void>;
}

export async function startTestPortal(env: Record<string, string> = {}): Promise<TestPortal> {
  const testDb = await createTestDatabase();
  let server: NextServer;
  try {
    server = await startPortal('tenant-portal', {
      DATABASE_URL: testDb.appUrl,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      ...env,
    });
  } catch (error) {
    await testDb.drop();
    throw error;
  }
  return {
    testDb,
    server,
    async stop() {
      await server.stop();
      await testDb.drop();
    },
  };
}
