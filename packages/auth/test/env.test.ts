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
});
