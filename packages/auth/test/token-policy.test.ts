import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';

import { CLOCK_SKEW_S, createVerifier, loadAuthEnv } from '@openhouse/auth';
import { DEV_TOKEN_ISSUER, mintDevToken } from '@openhouse/auth/dev-token';

/** What a verified token may look like beyond its signature: issuer, lifetime, age, issue time. */

const SECRET = 'token-policy-test-secret-0123456789';
const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

const homeowner = {
  id: '4b7e3f0e-6c0a-5d1f-8a2b-0c1d2e3f4a5b',
  tenantId: '5c8f4a1f-7d1b-5e2a-9b3c-1d2e3f4a5b6c',
  developmentId: '6d905b2a-8e2c-5f3b-8c4d-2e3f4a5b6c7d',
  houseId: '7ea16c3b-9f3d-5a4c-9d5e-3f4a5b6c7d8e',
  appRole: 'homeowner' as const,
  email: 'plot01.meadow-view@northfield.test',
};

function sign(times: { iat: number; exp: number }, issuer?: string) {
  const jwt = new SignJWT({
    role: 'authenticated',
    tenant_id: homeowner.tenantId,
    development_id: homeowner.developmentId,
    house_id: homeowner.houseId,
    app_role: 'homeowner',
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(homeowner.id)
    .setAudience('authenticated')
    .setIssuedAt(times.iat)
    .setExpirationTime(times.exp);
  if (issuer) jwt.setIssuer(issuer);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

const verifierWith = (env: Record<string, string> = {}) =>
  createVerifier(loadAuthEnv({ AUTH_JWT_SECRET: SECRET, ...env }));

/** 'OK' or the 401's message. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: Error) => error.message,
  );

describe('token lifetime', () => {
  const verify = verifierWith();

  it('refuses a token valid for ten years, however fresh', async () => {
    const token = await sign({ iat: now(), exp: now() + 10 * 365 * 24 * HOUR });
    expect(await outcome(verify(token))).toBe('Invalid token: claim "exp" is too far after "iat"');
  });

  it('accepts a lifetime of exactly AUTH_JWT_MAX_AGE_S, and refuses one second more', async () => {
    const iat = now();
    expect(await outcome(verify(await sign({ iat, exp: iat + 24 * HOUR })))).toBe('OK');
    expect(await outcome(verify(await sign({ iat, exp: iat + 24 * HOUR + 1 })))).toMatch(
      /too far after "iat"/,
    );
  });

  it('follows AUTH_JWT_MAX_AGE_S', async () => {
    const strict = verifierWith({ AUTH_JWT_MAX_AGE_S: String(HOUR) });
    expect(await outcome(strict(await sign({ iat: now(), exp: now() + 2 * HOUR })))).toMatch(
      /too far after "iat"/,
    );
    expect(await outcome(strict(await sign({ iat: now(), exp: now() + HOUR })))).toBe('OK');
  });

  it('refuses a token issued longer ago than AUTH_JWT_MAX_AGE_S, though not yet expired', async () => {
    const strict = verifierWith({ AUTH_JWT_MAX_AGE_S: String(HOUR) });
    const token = await sign({ iat: now() - 2 * HOUR, exp: now() + 60 });
    expect(await outcome(strict(token))).toBe('Invalid token: expired');
  });

  it('still refuses an expired token, beyond the clock skew', async () => {
    const token = await sign({ iat: now() - HOUR, exp: now() - CLOCK_SKEW_S - 5 });
    expect(await outcome(verify(token))).toBe('Invalid token: expired');
  });
});

describe('issue time', () => {
  const verify = verifierWith();

  it('refuses an iat in the future', async () => {
    const token = await sign({ iat: now() + HOUR, exp: now() + 2 * HOUR });
    expect(await outcome(verify(token))).toBe('Invalid token: claim "iat" is in the future');
  });

  it('allows the issuer’s clock to run a little ahead', async () => {
    const token = await sign({ iat: now() + CLOCK_SKEW_S - 10, exp: now() + HOUR });
    expect(await outcome(verify(token))).toBe('OK');
  });
});

describe('issuer', () => {
  const issuer = 'https://project.supabase.co/auth/v1';
  const verify = verifierWith({ AUTH_JWT_ISSUER: issuer });
  const times = () => ({ iat: now(), exp: now() + HOUR });

  it('is checked when AUTH_JWT_ISSUER is set', async () => {
    expect(await outcome(verify(await sign(times(), issuer)))).toBe('OK');
    expect(await outcome(verify(await sign(times())))).toBe('Invalid token: claim "iss" is missing');
    expect(await outcome(verify(await sign(times(), 'https://staging.supabase.co/auth/v1')))).toBe(
      'Invalid token: claim "iss" is not accepted',
    );
  });

  it('of dev tokens is DEV_TOKEN_ISSUER unless given, accepted where AUTH_JWT_ISSUER names it', async () => {
    const token = await mintDevToken(homeowner, { secret: SECRET });
    expect(await outcome(verifierWith({ AUTH_JWT_ISSUER: DEV_TOKEN_ISSUER })(token))).toBe('OK');
    expect(await outcome(verifierWith()(token))).toBe('OK');
    expect(await outcome(verify(token))).toBe('Invalid token: claim "iss" is not accepted');
    expect(await outcome(verify(await mintDevToken(homeowner, { secret: SECRET, issuer })))).toBe('OK');
  });
});
