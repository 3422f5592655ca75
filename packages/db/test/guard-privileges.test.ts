import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { assertSafeLoginRole } from '@openhouse/db';
import { withAdminClient } from '@openhouse/db/admin';

import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { APP_ROLE } from '@openhouse/harness/urls';

/**
 * The start-up guard refuses request roles holding privileges no request needs, each a way
 * around row-level security or its guards: TRUNCATE, TRIGGER and REFERENCES on any table, TEMP
 * on the database. Each grant is made in this file's own database, inside a transaction that is
 * rolled back, and the guard runs in it as the login role.
 */

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb?.drop());

async function guardAfter(change: (client: pg.ClientBase) => Promise<unknown>): Promise<unknown> {
  return withAdminClient(testDb.adminUrl, async (client) => {
    await client.query('begin');
    try {
      await change(client);
      await client.query(`set local role ${APP_ROLE}`);
      return await assertSafeLoginRole(client).then(
        () => 'accepted',
        (error: unknown) => error,
      );
    } finally {
      await client.query('rollback');
    }
  });
}
const sql = (statement: string) => (client: pg.ClientBase) => client.query(statement);

describe('the start-up guard', () => {
  it('accepts the migrated database as it is', async () => {
    expect(await guardAfter(sql('select 1'))).toBe('accepted');
  });

  it.each([
    [
      'grant truncate on notices to homeowner',
      /^Refusing to serve: request role "homeowner" holds TRUNCATE on notices$/,
    ],
    [
      'grant trigger on chat_messages to development_staff',
      /request role "development_staff" holds TRIGGER on chat_messages$/,
    ],
    [
      'grant references on profiles to tenant_staff',
      /request role "tenant_staff" holds REFERENCES on profiles$/,
    ],
    // Granted to PUBLIC, every role holds it.
    ['grant truncate on documents to public', /request role "\w+" holds TRUNCATE on documents$/],
    [
      'grant all on all tables in schema public to homeowner',
      /request role "homeowner" holds .* and \d+ more$/,
    ],
  ])('refuses after %s', async (statement, message) => {
    expect(await guardAfter(sql(statement))).toMatchObject({
      name: 'GuardError',
      message: expect.stringMatching(message),
    });
  });

  it.each(['public', 'tenant_staff'])('refuses TEMP on the database granted to %s', async (grantee) => {
    expect(
      await guardAfter((client) =>
        client.query(`grant temporary on database ${client.escapeIdentifier(testDb.name)} to ${grantee}`),
      ),
    ).toMatchObject({
      name: 'GuardError',
      message: expect.stringMatching(/request role "\w+" may create temporary tables/),
    });
  });

  it('accepts Supabase’s default grants to anon and authenticated: request roles do not inherit them', async () => {
    expect(await guardAfter(sql('grant all on all tables in schema public to anon, authenticated'))).toBe(
      'accepted',
    );
  });
});
