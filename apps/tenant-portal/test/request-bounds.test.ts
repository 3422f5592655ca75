import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tokenFor } from '@openhouse/harness/api';
import { homeowners, seedUser } from '@openhouse/harness/identities';
import { TEST_METRICS_TOKEN, type NextServer } from '@openhouse/harness/next-server';
import type { TestDatabase } from '@openhouse/harness/test-database';
import { startTestPortal, type TestPortal } from '@openhouse/harness/test-portal';

/**
 * What one caller can hold, over real HTTP against the production build: a slow body holds no
 * connection, batches, URLs and bodies are bounded, invalid input never reaches the pool, and
 * invite-code guesses are rate limited.
 */

const slowUser = seedUser('plot01.meadow-view@northfield.test');
const otherUser = homeowners.find((user) => user.tenantId !== slowUser.tenantId)!;
const guesser = homeowners.find((user) => user.id !== slowUser.id && user.tenantId === slowUser.tenantId)!;
const MAX_BODY_BYTES = 8_192;
const CLAIMS_PER_HOUR = 3;

let testDb: TestDatabase;
let server: NextServer;
let portal: TestPortal | undefined;

beforeAll(async () => {
  portal = await startTestPortal({
    DB_POOL_MIN: '0',
    DB_POOL_MAX: '3',
    DB_APPLICATION_NAME: 'request-bounds',
    API_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    RATE_LIMIT_INVITE_CLAIMS_PER_HOUR: String(CLAIMS_PER_HOUR),
  });
  ({ testDb, server } = portal);
});
afterAll(() => portal?.stop());

const bearer = async (user: typeof slowUser) => ({ authorization: `Bearer ${await tokenFor(user)}` });

/** The portal's connections now, by state (the pool's only). */
const connectionStates = async () =>
  (
    await testDb.adminQuery<{ state: string }>(
      `select state from pg_stat_activity where application_name = 'request-bounds'`,
    )
  ).map((row) => row.state);

async function metric(name: string): Promise<number> {
  const text = await (
    await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/**
 * POSTs `body` in `pieces` chunks, one every `everyMs`, without a content length: a client on a
 * slow link, or one holding the request open on purpose. Resolves with status and body.
 */
function trickle(
  path: string,
  headers: Record<string, string>,
  body: string,
  pieces: number,
  everyMs: number,
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      `${server.url}${path}`,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      },
    );
    request.on('error', reject);
    const size = Math.ceil(body.length / pieces);
    let sent = 0;
    const sendNext = () => {
      request.write(body.slice(sent, sent + size));
      sent += size;
      if (sent >= body.length) request.end();
      else setTimeout(sendNext, everyMs);
    };
    sendNext();
  });
}

describe('a body that trickles in', () => {
  it('holds no connection while it arrives; other callers are served meanwhile', async () => {
    const calls = 6;
    const path = `/api/trpc/${Array(calls).fill('analytics.track').join(',')}?batch=1`;
    const input = Object.fromEntries(
      Array.from({ length: calls }, (_, i) => [i, { name: 'slow.body', properties: { i } }]),
    );
    const headers = await bearer(slowUser);
    // Four such requests, each arriving over about three seconds: more than the pool's three connections.
    const slow = Array.from({ length: 4 }, () => trickle(path, headers, JSON.stringify(input), 12, 250));

    const otherHeaders = await bearer(otherUser);
    const states: string[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${server.url}/api/trpc/noticeboard.list`, { headers: otherHeaders });
      expect(response.status).toBe(200);
      states.push(...(await connectionStates()));
    }
    expect(states).not.toContain('idle in transaction');

    const done = await Promise.all(slow);
    for (const { status, body } of done) {
      expect(status).toBe(200);
      expect(JSON.parse(body)).toHaveLength(calls);
    }
  });
});

describe('bounds on a request', () => {
  it('refuses a batch of more than 10 calls with a 400 that says so', async () => {
    const path = Array(11).fill('noticeboard.list').join(',');
    const response = await fetch(`${server.url}/api/trpc/${path}?batch=1&input={}`, {
      headers: await bearer(slowUser),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('batch: at most 10 calls per request (got 11)');
  });

  it('refuses a body over API_MAX_BODY_BYTES with a 413, declared or streamed', async () => {
    const headers = { ...(await bearer(slowUser)), 'content-type': 'application/json' };
    const body = JSON.stringify({ name: 'big.body', properties: { pad: 'x'.repeat(MAX_BODY_BYTES) } });
    const declared = await fetch(`${server.url}/api/trpc/analytics.track`, { method: 'POST', headers, body });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain('API_MAX_BODY_BYTES');
    const streamed = await trickle('/api/trpc/analytics.track', headers, body, 4, 10);
    expect(streamed.status).toBe(413);
  });

  it('refuses an over-long URL', async () => {
    const input = encodeURIComponent(JSON.stringify({ search: 'x'.repeat(9_000) }));
    const response = await fetch(`${server.url}/api/trpc/noticeboard.list?input=${input}`, {
      headers: await bearer(slowUser),
    });
    expect([400, 414, 431]).toContain(response.status);
  });

  it('answers invalid input with a 400 without waiting for a connection', async () => {
    const before = await metric('openhouse_db_pool_wait_seconds_count');
    const headers = { ...(await bearer(slowUser)), 'content-type': 'application/json' };
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${server.url}/api/trpc/analytics.track`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Not A Valid Name' }),
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('name:');
    }
    // A valid call afterwards does wait: the counter moves, so it is the one being read.
    await fetch(`${server.url}/api/trpc/noticeboard.list`, { headers: await bearer(slowUser) });
    expect(await metric('openhouse_db_pool_wait_seconds_count')).toBe(before + 1);
  });
});

describe('invite-code claims', () => {
  it(`allows ${CLAIMS_PER_HOUR} guesses an hour per homeowner, then 429 with Retry-After`, async () => {
    const headers = { ...(await bearer(guesser)), 'content-type': 'application/json' };
    const claim = (code: string) =>
      fetch(`${server.url}/api/trpc/onboarding.completeStep`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ step: 'claim', inviteCode: code }),
      });
    const limitedBefore = await metric('openhouse_rate_limited_total');
    const statuses: number[] = [];
    for (let i = 0; i < CLAIMS_PER_HOUR; i++) statuses.push((await claim(`WRONG-${i}`)).status);
    expect(statuses.every((status) => status === 400 || status === 409 || status === 412)).toBe(true);

    const refused = await claim('WRONG-LAST');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.text()).toContain('Too many attempts');
    expect(await metric('openhouse_rate_limited_total')).toBe(limitedBefore + 1);

    // The limit is the guesser's own: another homeowner's claim is still heard.
    const other = await fetch(`${server.url}/api/trpc/onboarding.completeStep`, {
      method: 'POST',
      headers: { ...(await bearer(slowUser)), 'content-type': 'application/json' },
      body: JSON.stringify({ step: 'claim', inviteCode: 'WRONG-OTHER' }),
    });
    expect(other.status).not.toBe(429);
  });
});
