import pg from 'pg';

/**
 * One short-lived connection as the admin (owner) role, for migrations, seeding and test set-up.
 * Never used to serve requests: those go through the pool in `client.ts`.
 */
export async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
