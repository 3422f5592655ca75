import { afterEach, describe, expect, it, vi } from 'vitest';

import { createVerifier, loadAuthEnv, TOKEN_COOKIE } from '@openhouse/auth';
import { seedData } from '@openhouse/seed';
import { devSignInAccounts, devSignInEnabled, handleDevSignIn } from '@openhouse/seed/dev-sign-in';

/**
 * The dev sign-in mints a real token with the real secret for anyone who asks, so it answers
 * only on a development server that was asked for it: NODE_ENV=development and DEV_SIGN_IN=1.
 * (A production build also never loads it and refuses DEV_SIGN_IN=1 at start-up; the end-to-end
 * tests check that on a real server.)
 */

const SECRET = 'dev-sign-in-test-secret-0123456789abcdef';
const PORTAL = 'http://localhost:3000';
const EMAIL = 'plot01.meadow-view@northfield.test';

afterEach(() => {
  vi.unstubAllEnvs();
});

function signIn(headers: Record<string, string> = { origin: PORTAL }, url = `${PORTAL}/api/dev/sign-in`) {
  return handleDevSignIn(
    new Request(url, {
      method: 'POST',
      headers: { host: 'localhost:3000', ...headers },
      body: new URLSearchParams({ email: EMAIL }),
    }),
    'homeowner',
  );
}

function setEnv(env: { NODE_ENV?: string; DEV_SIGN_IN?: string }) {
  vi.stubEnv('AUTH_JWT_SECRET', SECRET);
  vi.stubEnv('NODE_ENV', env.NODE_ENV);
  vi.stubEnv('DEV_SIGN_IN', env.DEV_SIGN_IN);
}

describe('dev sign-in', () => {
  it('is a 404, with no cookie and no accounts offered, unless enabled on a development server', async () => {
    for (const env of [
      { NODE_ENV: 'development' },
      { NODE_ENV: 'development', DEV_SIGN_IN: '0' },
      { NODE_ENV: 'development', DEV_SIGN_IN: 'true' },
      // The flag alone is not enough: a staging or test server with it still refuses.
      { NODE_ENV: 'staging', DEV_SIGN_IN: '1' },
      { NODE_ENV: 'test', DEV_SIGN_IN: '1' },
      { NODE_ENV: undefined, DEV_SIGN_IN: '1' },
    ]) {
      setEnv(env);
      expect(devSignInEnabled(), JSON.stringify(env)).toBe(false);
      expect(devSignInAccounts('homeowner'), JSON.stringify(env)).toBeNull();
      const response = await signIn();
      expect(response.status, JSON.stringify(env)).toBe(404);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('signs in as a seeded account when enabled, with a token the API accepts', async () => {
    setEnv({ NODE_ENV: 'development', DEV_SIGN_IN: '1' });
    expect(devSignInAccounts('homeowner')?.map((account) => account.email)).toContain(EMAIL);
    const response = await signIn();
    expect(response.status).toBe(303);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      new RegExp(`^${TOKEN_COOKIE}=[^;]+; HttpOnly; Path=/; SameSite=Lax; Max-Age=28800$`),
    );
    const claims = await createVerifier(loadAuthEnv())(cookie.split(';')[0]!.split('=')[1]!);
    const user = seedData.users.find((candidate) => candidate.email === EMAIL)!;
    expect(claims).toMatchObject({ app_role: 'homeowner', sub: user.id, house_id: user.houseId });
  });

  it('sets a Secure cookie over HTTPS', async () => {
    setEnv({ NODE_ENV: 'development', DEV_SIGN_IN: '1' });
    const proxied = await signIn({ origin: PORTAL, 'x-forwarded-proto': 'https' });
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('refuses a sign-in posted from another site', async () => {
    setEnv({ NODE_ENV: 'development', DEV_SIGN_IN: '1' });
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      {},
    ];
    for (const headers of crossSite) {
      const response = await signIn(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('DEV_SIGN_IN at start-up', () => {
  const base = { AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'https://auth.example.com' };

  it('stops a production server that has it set, naming the variable', () => {
    expect(() => loadAuthEnv({ ...base, NODE_ENV: 'production', DEV_SIGN_IN: '1' })).toThrow(
      /^Invalid environment: DEV_SIGN_IN: must not be 1 when NODE_ENV=production/,
    );
    expect(loadAuthEnv({ ...base, NODE_ENV: 'production', DEV_SIGN_IN: '0' }).DEV_SIGN_IN).toBe('0');
    expect(loadAuthEnv({ ...base, NODE_ENV: 'development', DEV_SIGN_IN: '1' }).DEV_SIGN_IN).toBe('1');
  });

  it('refuses a value other than 0 or 1', () => {
    expect(() => loadAuthEnv({ ...base, DEV_SIGN_IN: 'yes' })).toThrow(/^Invalid environment: DEV_SIGN_IN: /);
  });

  it('refuses a METRICS_TOKEN shorter than 32 bytes', () => {
    expect(() => loadAuthEnv({ ...base, METRICS_TOKEN: 'short' })).toThrow(
      /^Invalid environment: METRICS_TOKEN: must be at least 32 bytes/,
    );
  });
});
