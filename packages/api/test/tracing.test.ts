import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createDatabase, loadDbEnv, poolConfigFromEnv, type Database } from '@openhouse/db';
import { flushErrorTracking, initErrorTracking, traceRlsTransaction } from '@openhouse/error-tracker';
import { callerFor, tokenFor } from '@openhouse/harness/api';
import { claimsFor, homeowners } from '@openhouse/harness/identities';
import {
  startSentryReceiver,
  type SentryReceiver,
  type SentryTransaction,
} from '@openhouse/harness/sentry-receiver';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * With SENTRY_TRACES_SAMPLE_RATE set, each tRPC call reaches Sentry as a transaction named by its
 * procedure path, with spans for the pool wait, the RLS transaction and the assistant's model
 * call — checked on the envelopes the real SDK sends to a local endpoint. Unset, nothing is sent.
 */

let testDb: TestDatabase;
let sentry: SentryReceiver;
let database: Database;
let model: Server;

beforeAll(async () => {
  testDb = await createTestDatabase();
  sentry = await startSentryReceiver();
  // The pool as the server builds it (`deps.ts`): with the error tracker's trace hook.
  database = createDatabase(poolConfigFromEnv(loadDbEnv({ DATABASE_URL: testDb.appUrl, DB_POOL_MIN: '0' })), {
    trace: traceRlsTransaction,
  });
  model = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Tuesday [1].' } },
          ],
        }),
      ),
    );
  });
  await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  process.env.ASSISTANT_LLM_BASE_URL = `http://127.0.0.1:${(model.address() as { port: number }).port}/v1`;
  process.env.ASSISTANT_LLM_MODEL = 'fake-model';
});
afterAll(async () => {
  delete process.env.ASSISTANT_LLM_BASE_URL;
  delete process.env.ASSISTANT_LLM_MODEL;
  await database?.close();
  await new Promise((resolve) => model?.close(resolve));
  await sentry?.close();
  await testDb?.drop();
});

async function transactionNamed(name: string): Promise<SentryTransaction> {
  await flushErrorTracking();
  return vi.waitFor(
    () => {
      const found = sentry.transactions.find((transaction) => transaction.transaction === name);
      if (!found)
        throw new Error(`no transaction ${name} among ${sentry.transactions.map((t) => t.transaction)}`);
      return found;
    },
    { timeout: 5_000 },
  );
}

describe('tracing', () => {
  it('sends each procedure as a transaction with its pool wait and RLS transaction', async () => {
    initErrorTracking({ SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'test', SENTRY_TRACES_SAMPLE_RATE: 1 });
    const caller = await callerFor(database, await tokenFor(homeowners[0]!));
    await caller.noticeboard.list({ limit: 5 });

    const transaction = await transactionNamed('noticeboard.list');
    const root = transaction.contexts.trace;
    expect(root.op).toBe('trpc.query');
    const wait = transaction.spans.find((span) => span.op === 'db.pool.wait');
    const tx = transaction.spans.find((span) => span.op === 'db.transaction');
    expect(wait, JSON.stringify(transaction.spans)).toBeDefined();
    expect(tx).toBeDefined();
    expect(wait!.parent_span_id).toBe(root.span_id);
    expect(tx!.parent_span_id).toBe(root.span_id);
    // The wait ends where the transaction starts, and both lie inside the call.
    expect(Math.abs(wait!.timestamp - tx!.start_timestamp)).toBeLessThan(0.001);
    expect(wait!.start_timestamp).toBeGreaterThanOrEqual(transaction.start_timestamp);
    expect(tx!.timestamp).toBeLessThanOrEqual(transaction.timestamp);
  });

  it("adds the assistant's model call, and never the question", async () => {
    const caller = await callerFor(database, await tokenFor(homeowners[0]!));
    const result = await caller.assistant.ask({ question: 'When are the bins collected?' });
    expect(result.answeredBy).toBe('model');

    const transaction = await transactionNamed('assistant.ask');
    expect(transaction.contexts.trace.op).toBe('trpc.mutation');
    const ops = transaction.spans.map((span) => span.op);
    expect(ops, JSON.stringify(transaction.spans.map((s) => [s.op, s.description]))).toContain(
      'assistant.model',
    );
    // Two short RLS transactions around the model call, which holds no connection.
    expect(ops.filter((op) => op === 'db.transaction').length).toBeGreaterThanOrEqual(2);
    const modelCall = transaction.spans.find((span) => span.op === 'assistant.model')!;
    const transactions = transaction.spans.filter((span) => span.op === 'db.transaction');
    expect(transactions.some((span) => span.timestamp <= modelCall.start_timestamp)).toBe(true);
    expect(transactions.some((span) => span.start_timestamp >= modelCall.timestamp)).toBe(true);
    expect(JSON.stringify(transaction)).not.toMatch(/bins/i);
  });

  it('shows a call that timed out waiting for a connection as a failed pool wait, with no transaction', async () => {
    const small = createDatabase(
      poolConfigFromEnv(
        loadDbEnv({
          DATABASE_URL: testDb.appUrl,
          DB_POOL_MIN: '0',
          DB_POOL_MAX: '1',
          DB_CONNECTION_TIMEOUT_MS: '200',
        }),
      ),
      { trace: traceRlsTransaction },
    );
    try {
      const claims = claimsFor(homeowners[1]!);
      // Holds the only connection, outside any traced call, until the traced one has given up.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const holding = small.withRls(claims, () => held);
      await vi.waitFor(() => expect(small.stats().idle + small.stats().waiting).toBe(0));
      const caller = await callerFor(small, await tokenFor(homeowners[1]!));
      await expect(caller.documents.list({ limit: 5 })).rejects.toMatchObject({ code: expect.any(String) });
      release();
      await holding;

      const transaction = await transactionNamed('documents.list');
      const ops = transaction.spans.map((span) => span.op);
      expect(ops).toEqual(['db.pool.wait']);
      expect(transaction.spans[0]!.status).toBe('internal_error');
      const waited = transaction.spans[0]!.timestamp - transaction.spans[0]!.start_timestamp;
      expect(waited).toBeGreaterThanOrEqual(0.19);
    } finally {
      await small.close();
    }
  });

  it('sends no transaction when SENTRY_TRACES_SAMPLE_RATE is unset', async () => {
    initErrorTracking({ SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'test' });
    sentry.clear();
    const caller = await callerFor(database, await tokenFor(homeowners[0]!));
    await caller.noticeboard.list({ limit: 5 });
    await flushErrorTracking();
    expect(sentry.transactions).toEqual([]);
  });
});
