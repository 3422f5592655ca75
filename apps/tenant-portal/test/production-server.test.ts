import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_JWT_SECRET, tokenFor } from '@openhouse/harness/api';
import { seedUser } from '@openhouse/harness/identities';
import { startPortal, type NextServer } from '@openhouse/harness/next-server';
import { startTestPortal, type TestPortal } from '@openhouse/harness/test-portal';

/**
 * The portal's production server (`server.ts`, what `pnpm start` runs): `/api/trpc` is answered
 * beside Next.js, everything else by Next.js. The router's answer must be the one Next.js's route
 * handler gives — checked against the same build under plain `next start` on the same database.
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
let portal: TestPortal | undefined;
let nextStart: NextServer | undefined;
let server: NextServer;

beforeAll(async () => {
  portal = await startTestPortal({ DB_POOL_MAX: '4' });
  ({ server } = portal);
  nextStart = await startPortal(
    'tenant-portal',
    { DATABASE_URL: portal.testDb.appUrl, AUTH_JWT_SECRET: TEST_JWT_SECRET, DB_POOL_MAX: '4' },
    { server: 'next-start' },
  );
});
afterAll(async () => {
  await nextStart?.stop();
  await portal?.stop();
});

const LIST = `/api/trpc/noticeboard.list?input=${encodeURIComponent(JSON.stringify({ limit: 20 }))}`;

describe('/api/trpc beside Next.js', () => {
  it('answers as Next.js’s route handler does, and bypasses Next.js', async () => {
    const headers = { authorization: `Bearer ${await tokenFor(homeowner)}` };
    const [beside, through] = await Promise.all([
      fetch(server.url + LIST, { headers }),
      fetch(nextStart!.url + LIST, { headers }),
    ]);
    expect(beside.status).toBe(200);
    expect(through.status).toBe(200);
    const body = (await beside.json()) as { result: { data: { items: unknown[] } } };
    expect(body.result.data.items.length).toBeGreaterThan(0);
    expect(body).toEqual(await through.json());
    // Next.js marks every answer it routes as varying on its router headers; the bypass does not.
    expect(through.headers.get('vary')).toMatch(/\brsc\b/);
    expect(beside.headers.get('vary') ?? '').not.toMatch(/\brsc\b/);
    // The caller's own data, on either path: no shared cache may keep it.
    expect(beside.headers.get('cache-control')).toBe('no-store');
    expect(through.headers.get('cache-control')).toBe('no-store');
  });

  it('answers errors as the route handler does: status, message, Retry-After rules', async () => {
    const [beside, through] = await Promise.all([fetch(server.url + LIST), fetch(nextStart!.url + LIST)]);
    expect(beside.status).toBe(401);
    expect(through.status).toBe(401);
    expect(await beside.json()).toEqual(await through.json());
  });

  it('gzips a large answer for a client that accepts it, and only then', async () => {
    const authorization = `Bearer ${await tokenFor(homeowner)}`;
    const plain = await rawGet(server.url + LIST, { authorization });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.byteLength);
    expect(plain.body.byteLength).toBeGreaterThan(1024);

    const gzipped = await rawGet(server.url + LIST, { authorization, 'accept-encoding': 'gzip, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/Accept-Encoding/i);
    expect(gzipped.body.byteLength).toBeLessThan(plain.body.byteLength);
    expect(JSON.parse(gunzipSync(gzipped.body).toString())).toEqual(JSON.parse(plain.body.toString()));

    const refused = await rawGet(server.url + LIST, { authorization, 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('still serves every other path through Next.js', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('vary')).toMatch(/\brsc\b/);
    // `/api/trpcx` is not the router's: Next.js answers it (no such page).
    const other = await fetch(`${server.url}/api/trpcx`);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toMatch(/text\/html/);
  });
});

describe('a body over API_MAX_BODY_BYTES', () => {
  it('is a 413 even when it arrives whole at once, and the server carries on', async () => {
    const { hostname, port } = new URL(server.url);
    const token = await tokenFor(homeowner);
    // No Content-Length: the limit is found while reading, with the rest of the body already sent.
    const body = JSON.stringify({ name: 'big.body', properties: { pad: 'x'.repeat(1_200_000) } });
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          'POST /api/trpc/analytics.track HTTP/1.1\r\n' +
            `host: ${hostname}:${port}\r\nauthorization: Bearer ${token}\r\n` +
            'content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n' +
            `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        );
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('API_MAX_BODY_BYTES');
    // Still serving, and nothing was thrown meanwhile (Next.js logs an uncaught exception and
    // carries on: only its output would tell).
    expect(server.output()).not.toMatch(/Invalid state|TypeError/);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect((await fetch(server.url + LIST, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });
});

describe('SIGTERM after clients hung up mid-request', () => {
  it('finds nothing in flight: a request whose client left is not waited for', async () => {
    const { hostname, port } = new URL(server.url);
    const token = await tokenFor(homeowner);
    // Half a body, then gone: the server was reading it when the client left.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          'POST /api/trpc/noticeboard.markRead HTTP/1.1\r\n' +
            `host: ${hostname}:${port}\r\nauthorization: Bearer ${token}\r\n` +
            'content-type: application/json\r\ncontent-length: 1000\r\n\r\n{"ids":[',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 300);
      });
      socket.on('error', reject);
    });
    // A whole request whose answer nobody reads.
    const abandoned = new AbortController();
    const call = fetch(server.url + LIST, {
      headers: { authorization: `Bearer ${token}` },
      signal: abandoned.signal,
    }).catch(() => undefined);
    abandoned.abort();
    await call;
    // Then a complete call, so the server has surely seen both hang-ups before the signal.
    expect((await fetch(server.url + LIST, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );

    expect(await server.signal('SIGTERM')).toBe(0);
    expect(server.output()).toMatch(/draining 0 in-flight request/);
  });
});

describe('start-up', () => {
  const cwd = path.resolve(import.meta.dirname, '..');
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd,
      env: { ...process.env, NODE_ENV: 'production', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('refuses a bad PORT in one line naming it', () => {
    const result = start({ PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid environment: PORT: PORT must be a port number (1-65535)');
  });

  it('refuses to serve a development NODE_ENV in one line', () => {
    const result = start({ NODE_ENV: 'development' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/NODE_ENV must be production/);
  });
});

/** A GET over node:http, so that the body arrives exactly as sent (fetch would gunzip it). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
        .on('error', reject)
        .end();
    },
  );
}
