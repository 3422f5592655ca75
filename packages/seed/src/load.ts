import { drizzle } from 'drizzle-orm/node-postgres';

import { splitIntoPassages } from '@openhouse/api/passages';
import { schema } from '@openhouse/db';
import { withAdminClient } from '@openhouse/db/admin';

import { seedData } from './data';

/**
 * Loads the deterministic seed. Every row has a fixed id, so running it again changes nothing.
 * Runs as the admin role, which must be able to bypass RLS (a superuser or BYPASSRLS role).
 */
export async function seed(adminUrl: string): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ bypass: boolean }>(
      `select rolsuper or rolbypassrls as bypass from pg_roles where rolname = current_user`,
    );
    if (!rows[0]?.bypass) {
      throw new Error('Seeding needs DATABASE_ADMIN_URL to name a superuser or a BYPASSRLS role');
    }
    const db = drizzle({ client, schema });
    await db.transaction(async (tx) => {
      await tx.insert(schema.tenants).values(seedData.tenants).onConflictDoNothing();
      await tx.insert(schema.developments).values(seedData.developments).onConflictDoNothing();
      await tx.insert(schema.houses).values(seedData.houses).onConflictDoNothing();
      await tx.insert(schema.profiles).values(seedData.users).onConflictDoNothing();
      await tx.insert(schema.houseInvites).values(seedData.invites).onConflictDoNothing();
      await tx.insert(schema.notices).values(seedData.notices).onConflictDoNothing();
      const inserted = await tx
        .insert(schema.documents)
        .values(seedData.documents)
        .onConflictDoNothing()
        .returning({ id: schema.documents.id });
      const newIds = new Set(inserted.map((row) => row.id));
      const passages = seedData.documents
        .filter((doc) => newIds.has(doc.id))
        .flatMap((doc) =>
          splitIntoPassages(doc.body).map((passage) => ({
            ...passage,
            tenantId: doc.tenantId,
            developmentId: doc.developmentId,
            houseId: doc.houseId,
            documentId: doc.id,
          })),
        );
      if (passages.length > 0) await tx.insert(schema.documentPassages).values(passages);
    });
  });
}
