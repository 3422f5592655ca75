import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@openhouse/db';

import { callerFor, TEST_JWT_SECRET } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { homeowners } from '@openhouse/harness/identities';

/** Every bad token is a 401 with a clear message, and the database is never asked anything. */

const user = homeowners[0]!;
const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const goodClaims = {
  role: 'authenticated',
  tenant_id: user.tenantId,
  development_id: user.developmentId,
  house_id: user.houseId,
  app_role: 'homeowner',
};

function sign(
  claims: Record<string, unknown>,
  options: { key?: Uint8Array; audience?: string; expires?: string | number; alg?: string } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject(user.id)
    .setAudience(options.audience ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '1h')
    .sign(options.key ?? secret);
}

let testDb: TestDatabase;
let database: Database;
let checkouts = 0;
beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
  database.pool.on('acquire', () => checkouts++);
});
afterAll(() => testDb.drop());

const cases: [string, () => Promise<string | undefined>, RegExp][] = [
  ['no token at all', async () => undefined, /missing bearer token/i],
  ['an expired token', () => sign(goodClaims, { expires: Math.floor(Date.now() / 1000) - 60 }), /expired/],
  [
    'a token signed with another secret',
    () => sign(goodClaims, { key: new TextEncoder().encode('x'.repeat(40)) }),
    /signature/,
  ],
  [
    'alg: none',
    async () =>
      new UnsecuredJWT(goodClaims)
        .setSubject(user.id)
        .setAudience('authenticated')
        .setIssuedAt()
        .setExpirationTime('1h')
        .encode(),
    /algorithm|malformed/,
  ],
  ['HS512 instead of the pinned HS256', () => sign(goodClaims, { alg: 'HS512' }), /algorithm/],
  ['the wrong audience', () => sign(goodClaims, { audience: 'anon' }), /"aud"/],
  ['a missing tenant_id', () => sign({ ...goodClaims, tenant_id: undefined }), /"tenant_id"/],
  ['a malformed uuid', () => sign({ ...goodClaims, house_id: 'house-1' }), /"house_id".*UUID/],
  ['role: service_role', () => sign({ ...goodClaims, role: 'service_role' }), /"role"/],
  ['an unknown app_role', () => sign({ ...goodClaims, app_role: 'admin' }), /"app_role"/],
  ['a homeowner token without house_id', () => sign({ ...goodClaims, house_id: undefined }), /"house_id"/],
  ['garbage', async () => 'not.a.jwt', /malformed/],
];

describe('a request whose token is', () => {
  it.each(cases)('%s is refused with 401 before any database work', async (_, makeToken, message) => {
    const before = checkouts;
    const caller = await callerFor(database, await makeToken());
    const error = await caller.noticeboard.list({}).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(error!.message).toMatch(message);
    expect(checkouts).toBe(before);
  });
});

describe('a valid token', () => {
  it('reaches the database, with custom claims also accepted from app_metadata', async () => {
    const before = checkouts;
    const { tenant_id, development_id, house_id, app_role } = goodClaims;
    const token = await sign({
      role: 'authenticated',
      app_metadata: { tenant_id, development_id, house_id, app_role },
    });
    const page = await (await callerFor(database, token)).noticeboard.list({});
    expect(page.items.length).toBeGreaterThan(0);
    expect(checkouts).toBe(before + 1);
  });

  it('lets a top-level claim win over app_metadata', async () => {
    const token = await sign({ ...goodClaims, app_metadata: { tenant_id: homeowners[100]!.tenantId } });
    const page = await (await callerFor(database, token)).noticeboard.list({});
    expect(page.items.length).toBeGreaterThan(0);
    const tenants = await testDb.adminQuery<{ tenant_id: string }>(
      `select distinct tenant_id from notices where id = any($1::uuid[])`,
      [page.items.map((item) => item.id)],
    );
    expect(tenants).toEqual([{ tenant_id: user.tenantId }]);
  });
});
