import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPortalClient, IDEMPOTENCY_HEADER } from '@openhouse/ui/retry-link';

import { tokenFor } from '@openhouse/harness/api';
import type { TestDatabase } from '@openhouse/harness/test-database';
import { startTestPortal, type TestPortal } from '@openhouse/harness/test-portal';
import { seedUser } from '@openhouse/harness/identities';
import type { NextServer } from '@openhouse/harness/next-server';

/** `Idempotency-Key` over real HTTP against the production build, and the portals' own client. */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
let testDb: TestDatabase;
let server: NextServer;
let portal: TestPortal | undefined;

beforeAll(async () => {
  portal = await startTestPortal({
    DB_POOL_MIN: '2',
    DB_POOL_MAX: '5',
  });
  ({ testDb, server } = portal);
});
afterAll(() => portal?.stop());

const messages = async () =>
  Number(
    (
      await testDb.adminQuery<{ n: string }>(`select count(*) as n from chat_messages where author_id = $1`, [
        homeowner.id,
      ])
    )[0]!.n,
  );

const send = async (input: unknown, key?: string) =>
  fetch(`${server.url}/api/trpc/chat.send`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await tokenFor(homeowner)}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { [IDEMPOTENCY_HEADER]: key }),
    },
    body: JSON.stringify(input),
  });

describe('POST a mutation with an Idempotency-Key', () => {
  it('answers a repeat with the identical body and takes effect once', async () => {
    const input = { subject: 'Radiator', body: 'A radiator is cold at the top.' };
    const before = await messages();
    const first = await send(input, 'http-repeat-1');
    const second = await send(input, 'http-repeat-1');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.text()).toBe(await first.text());
    expect(await messages()).toBe(before + 1);
  });

  it('answers 422 for the same key with another input, 400 for a key over 255 characters', async () => {
    await send({ subject: 'Loft', body: 'Loft hatch sticks.' }, 'http-different-1');
    const before = await messages();
    expect((await send({ subject: 'Loft', body: 'Changed.' }, 'http-different-1')).status).toBe(422);
    const tooLong = await send({ subject: 'Loft', body: 'Long key.' }, 'k'.repeat(256));
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(
      /Idempotency-Key/,
    );
    expect(await messages()).toBe(before);
  });
});

describe('the portals’ client', () => {
  it('retries a mutation whose answer was lost with the same key: one effect, the first answer', async () => {
    const keys: string[] = [];
    let dropped = 0;
    // The first mutation reaches the server and commits; its answer is lost on the way back.
    const lossyFetch: typeof fetch = async (url, init) => {
      const response = await fetch(url, init);
      const key = new Headers(init?.headers).get(IDEMPOTENCY_HEADER);
      if (key !== null) keys.push(key);
      if (init?.method === 'POST' && dropped === 0) {
        dropped += 1;
        throw new TypeError('fetch failed');
      }
      return response;
    };
    const client = createPortalClient({
      url: `${server.url}/api/trpc`,
      headers: { authorization: `Bearer ${await tokenFor(homeowner)}` },
      fetch: lossyFetch,
      baseDelayMs: 10,
    });
    const before = await messages();
    const answer = await client.chat.send.mutate({ subject: 'Doorbell', body: 'The doorbell is dead.' });
    expect(dropped).toBe(1);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await messages()).toBe(before + 1);
    const [thread] = await testDb.adminQuery<{ id: string }>(
      `select id from chat_threads where homeowner_id = $1 and subject = 'Doorbell'`,
      [homeowner.id],
    );
    expect(answer.threadId).toBe(thread!.id);
    // Another mutation gets a key of its own.
    await client.chat.send.mutate({ threadId: answer.threadId, body: 'Still dead.' });
    expect(keys[2]).toBeDefined();
    expect(keys[2]).not.toBe(keys[0]);
    expect(await messages()).toBe(before + 2);
  });
});
