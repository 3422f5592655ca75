import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, tokenFor } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { homeowners } from '@openhouse/harness/identities';

/**
 * assistant.ask with an external model: a real local HTTP server speaking the OpenAI
 * chat-completions shape, slow on purpose. The procedure must hold no pooled connection while it
 * waits: with two connections and a 500 ms connection timeout, twenty questions waiting on the
 * model could not all reach it if each kept its connection.
 */

let testDb: TestDatabase;
let database: Database;
let model: Server;
let inFlight = 0;
let maxInFlight = 0;
const prompts: string[] = [];
/** The model answers once this many requests wait on it at once (`too-slow` takes 3 s instead). */
let answerWhenWaiting = 1;
const waitingOnModel: (() => void)[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect({ DB_POOL_MAX: '2', DB_CONNECTION_TIMEOUT_MS: '500' });
  model = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const request = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
      prompts.push(request.messages.at(-1)!.content);
      if (request.model === 'too-slow') await sleep(3_000);
      else
        await new Promise<void>((resolve) => {
          waitingOnModel.push(resolve);
          if (waitingOnModel.length >= answerWhenWaiting)
            for (const answer of waitingOnModel.splice(0)) answer();
        });
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              finish_reason: 'stop',
              message: { role: 'assistant', content: 'Bins go out on Tuesday [1].' },
            },
          ],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  const { port } = model.address() as { port: number };
  process.env.ASSISTANT_LLM_BASE_URL = `http://127.0.0.1:${port}/v1`;
  process.env.ASSISTANT_LLM_MODEL = 'fake-model';
  process.env.ASSISTANT_LLM_TIMEOUT_MS = '2000';
});
afterAll(async () => {
  delete process.env.ASSISTANT_LLM_BASE_URL;
  await new Promise((resolve) => model?.close(resolve));
  await testDb?.drop();
});

const modelAnswers = async () =>
  (
    await testDb.adminQuery<{ n: number }>(
      `select count(*)::int as n from assistant_questions where answered_by = 'model'`,
    )
  )[0]!.n;

it('answers 20 concurrent questions on a two-connection pool while the model is slow', async () => {
  const askers = homeowners.slice(0, 20);
  const storedBefore = await modelAnswers();
  const promptsBefore = prompts.length;
  maxInFlight = 0;
  // The model answers only when all twenty wait on it together; a question that kept its
  // connection would keep the others from reaching the model, and all would fall back to the
  // passages after the (here generous) model timeout.
  answerWhenWaiting = askers.length;
  process.env.ASSISTANT_LLM_TIMEOUT_MS = '20000';
  const results = await Promise.all(
    askers.map(async (user) =>
      (await callerFor(database, await tokenFor(user))).assistant.ask({
        question: 'When are the bins collected?',
      }),
    ),
  ).finally(() => {
    answerWhenWaiting = 1;
    process.env.ASSISTANT_LLM_TIMEOUT_MS = '2000';
  });
  for (const result of results) {
    expect(result).toMatchObject({ answeredBy: 'model', answer: 'Bins go out on Tuesday [1].' });
    expect(result.citations.length).toBeGreaterThan(0);
  }
  // All twenty waited on the model at once: none held one of the two connections through its wait.
  expect(maxInFlight).toBe(20);
  const asked = prompts.slice(promptsBefore);
  expect(asked).toHaveLength(20);
  for (const prompt of asked) expect(prompt).toContain('Waste and recycling collections');
  expect((await modelAnswers()) - storedBefore).toBe(20);
  expect(database.stats()).toMatchObject({ waiting: 0 });
});

it('falls back to the passages when the model is slower than ASSISTANT_LLM_TIMEOUT_MS', async () => {
  process.env.ASSISTANT_LLM_MODEL = 'too-slow';
  try {
    const result = await (
      await callerFor(database, await tokenFor(homeowners[0]!))
    ).assistant.ask({ question: 'When are the bins collected?' });
    expect(result.answeredBy).toBe('passages');
    expect(result.answer).toContain('Tuesday');
  } finally {
    process.env.ASSISTANT_LLM_MODEL = 'fake-model';
  }
});

it('does not call the model when nothing relevant was found', async () => {
  const before = prompts.length;
  const result = await (
    await callerFor(database, await tokenFor(homeowners[0]!))
  ).assistant.ask({ question: 'What is the capital of France?' });
  expect(result.answeredBy).toBe('none');
  expect(prompts.length).toBe(before);
});
