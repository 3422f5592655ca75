import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { CLOCK_SKEW_S, createVerifier, loadAuthEnv } from '@openhouse/auth';

/**
 * The HS256 verifier keeps tokens it has verified: a repeat costs no signature check, and must
 * never be accepted where jose itself would refuse it.
 */

const SECRET = 'verified-token-cache-test-secret-0123456789';
const HOUR = 3600;
const claims = {
  role: 'authenticated',
  tenant_id: '5c8f4a1f-7d1b-5e2a-9b3c-1d2e3f4a5b6c',
  development_id: '6d905b2a-8e2c-5f3b-8c4d-2e3f4a5b6c7d',
  house_id: '7ea16c3b-9f3d-5a4c-9d5e-3f4a5b6c7d8e',
  app_role: 'homeowner',
};
const seconds = () => Math.floor(Date.now() / 1000);

function sign(times: { iat: number; exp: number; nbf?: number }, secret = SECRET) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('4b7e3f0e-6c0a-5d1f-8a2b-0c1d2e3f4a5b')
    .setAudience('authenticated')
    .setIssuedAt(times.iat)
    .setExpirationTime(times.exp);
  if (times.nbf !== undefined) jwt.setNotBefore(times.nbf);
  return jwt.sign(new TextEncoder().encode(secret));
}

const verifierWith = (env: Record<string, string> = {}) =>
  createVerifier(loadAuthEnv({ AUTH_JWT_SECRET: SECRET, ...env }));

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: Error) => error.message,
  );

/** Moves only `Date` (jose's clock and the cache's); WebCrypto and timers run as usual. */
const at = (epochSeconds: number) => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(epochSeconds * 1000);
};

afterEach(() => {
  vi.useRealTimers();
});

describe('verified-token cache', () => {
  it('answers a repeat with the same claims, each caller its own copy', async () => {
    const verify = verifierWith();
    const token = await sign({ iat: seconds(), exp: seconds() + HOUR });
    const first = await verify(token);
    const second = await verify(token);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    (first as { tenant_id: string }).tenant_id = 'changed';
    expect((await verify(token)).tenant_id).toBe(claims.tenant_id);
  });

  it('refuses a cached token once it has expired, as jose does', async () => {
    const verify = verifierWith();
    const start = seconds();
    const token = await sign({ iat: start, exp: start + 60 });
    expect(await outcome(verify(token))).toBe('OK');
    at(start + 60 + CLOCK_SKEW_S + 1);
    expect(await outcome(verify(token))).toBe('Invalid token: expired');
  });

  it('refuses a cached token issued longer ago than AUTH_JWT_MAX_AGE_S', async () => {
    const verify = verifierWith({ AUTH_JWT_MAX_AGE_S: String(HOUR) });
    const start = seconds();
    const token = await sign({ iat: start, exp: start + HOUR });
    expect(await outcome(verify(token))).toBe('OK');
    at(start + HOUR + CLOCK_SKEW_S + 1);
    expect(await outcome(verify(token))).toBe('Invalid token: expired');
  });

  it('within the skew after exp, defers to jose (which still accepts), not to the cache', async () => {
    const verify = verifierWith();
    const start = seconds();
    const token = await sign({ iat: start, exp: start + 60 });
    await verify(token);
    at(start + 60 + CLOCK_SKEW_S - 5);
    expect(await outcome(verify(token))).toBe('OK');
  });

  it('does not let a token signed with another secret through, cached or not', async () => {
    const verify = verifierWith();
    const times = { iat: seconds(), exp: seconds() + HOUR };
    expect(await outcome(verify(await sign(times)))).toBe('OK');
    const forged = await sign(times, 'another-secret-of-at-least-32-bytes-000');
    expect(await outcome(verify(forged))).toBe('Invalid token: bad signature');
    expect(await outcome(verify(forged))).toBe('Invalid token: bad signature');
  });

  it('keeps one verifier’s tokens to itself', async () => {
    const token = await sign({ iat: seconds(), exp: seconds() + HOUR });
    expect(await outcome(verifierWith()(token))).toBe('OK');
    expect(await outcome(verifierWith({ AUTH_JWT_AUDIENCE: 'other' })(token))).toBe(
      'Invalid token: claim "aud" is not accepted',
    );
  });
});
