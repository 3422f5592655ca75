import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyDbFailure } from '@openhouse/db';
import { flushErrorTracking, initErrorTracking, reportDbFailure } from '@openhouse/error-tracker';
import { claimsFor, homeowners } from '@openhouse/harness/identities';
import { startSentryReceiver, type SentryReceiver } from '@openhouse/harness/sentry-receiver';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * A failed query's SQL and parameters never reach Sentry: Drizzle's "Failed query … params: …"
 * is scrubbed in `beforeSend`, checked on the envelope the real SDK sends to a local endpoint.
 */

let testDb: TestDatabase;
let sentry: SentryReceiver;
const PHONE = '+44 7700 900123';

beforeAll(async () => {
  testDb = await createTestDatabase();
  sentry = await startSentryReceiver();
  initErrorTracking({ SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'test' });
});
afterAll(async () => {
  await sentry.close();
  await testDb.drop();
});

describe('Sentry events', () => {
  it('carry kind, SQLSTATE, route and pool counters, but no SQL and no parameters', async () => {
    const database = testDb.connect();
    const error = await database
      .withRls(claimsFor(homeowners[0]!), (tx) => tx.execute(sql`select ${PHONE}::int as phone_number`))
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error).toBeInstanceOf(Error);
    expect(String(error!.message)).toContain(PHONE); // Drizzle's own message does carry it
    const failure = classifyDbFailure(error)!;
    sentry.clear();
    reportDbFailure({
      kind: failure.kind,
      sqlState: failure.sqlState,
      level: 'error',
      error,
      message: failure.message,
      route: 'scrub.test',
      pool: database.stats(),
    });
    await flushErrorTracking();
    const [event] = await sentry.waitForEvents(1);
    const envelope = JSON.stringify(event);
    expect(envelope).not.toContain('7700');
    expect(envelope).not.toMatch(/phone_number|select /i);
    expect(envelope).toContain('Failed query: [SQL and parameters removed]');
    expect(event!.tags).toMatchObject({
      route: 'scrub.test',
      'db.failure': 'db_error',
      'db.sqlstate': '22P02',
    });
    expect(JSON.stringify(event!.contexts?.pool)).toMatch(/"total":/);
  });
});
