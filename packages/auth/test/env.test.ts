import { describe, expect, it } from 'vitest';

import { loadAuthEnv } from '@openhouse/auth';

describe('auth settings', () => {
  it('require a secret of at least 32 bytes', () => {
    expect(() => loadAuthEnv({ AUTH_JWT_SECRET: 'short' })).toThrow(
      /^Invalid environment: AUTH_JWT_SECRET: .*32 bytes/,
    );
  });
  it('require a secret or a JWKS URL', () => {
    expect(() => loadAuthEnv({})).toThrow(/AUTH_JWT_SECRET/);
  });
  it('refuse both at once', () => {
    expect(() =>
      loadAuthEnv({ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://auth.example.com/jwks' }),
    ).toThrow(/AUTH_JWKS_URL/);
  });
  it('default the audience to authenticated', () => {
    expect(loadAuthEnv({ AUTH_JWT_SECRET: 'x'.repeat(32) }).AUTH_JWT_AUDIENCE).toBe('authenticated');
  });
  it('require an issuer in production, naming AUTH_JWT_ISSUER', () => {
    const secret = { AUTH_JWT_SECRET: 'x'.repeat(32) };
    expect(() => loadAuthEnv({ ...secret, NODE_ENV: 'production' })).toThrow(
      /^Invalid environment: AUTH_JWT_ISSUER: is required when NODE_ENV=production/,
    );
    expect(() => loadAuthEnv({ ...secret, NODE_ENV: 'production', AUTH_JWT_ISSUER: ' ' })).toThrow(
      /AUTH_JWT_ISSUER/,
    );
    expect(
      loadAuthEnv({ ...secret, NODE_ENV: 'production', AUTH_JWT_ISSUER: 'https://auth.example.com' })
        .AUTH_JWT_ISSUER,
    ).toBe('https://auth.example.com');
    expect(loadAuthEnv({ ...secret, NODE_ENV: 'development' }).AUTH_JWT_ISSUER).toBeUndefined();
  });
  it('bound the token age: a day unless AUTH_JWT_MAX_AGE_S says otherwise, at most a week', () => {
    const secret = { AUTH_JWT_SECRET: 'x'.repeat(32) };
    expect(loadAuthEnv(secret).AUTH_JWT_MAX_AGE_S).toBe(86_400);
    expect(loadAuthEnv({ ...secret, AUTH_JWT_MAX_AGE_S: '3600' }).AUTH_JWT_MAX_AGE_S).toBe(3600);
    for (const bad of ['abc', '-1', '1.5', '30', '604801']) {
      expect(() => loadAuthEnv({ ...secret, AUTH_JWT_MAX_AGE_S: bad }), bad).toThrow(
        /^Invalid environment: AUTH_JWT_MAX_AGE_S: /,
      );
    }
  });
});
