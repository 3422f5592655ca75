/** The login role the tests run the app as; `migrate` creates it with NOINHERIT. */
export const APP_ROLE = 'openhouse_app';
export const APP_PASSWORD = 'openhouse_app';

/** `serverUrl` with another database and, optionally, another user. */
export function databaseUrl(serverUrl: string, database: string, user?: string, password?: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = password ?? '';
  }
  return url.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test server (any database; tests swap the path). */
    testServerUrl: string;
    /** The migrated and seeded database every test database is cloned from. */
    templateDatabase: string;
  }
}
