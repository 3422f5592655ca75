import { describe, expect, it } from 'vitest';

import { loadDbEnv, poolConfigFromEnv } from '@openhouse/db';

const url = 'postgres://openhouse_app:secret@db.internal:5432/openhouse';

describe('database settings', () => {
  it('default to a long-lived server process', () => {
    expect(loadDbEnv({ DATABASE_URL: url })).toMatchObject({
      platform: 'server',
      DB_POOL_MIN: 2,
      DB_POOL_MAX: 10,
      DB_IDLE_TIMEOUT_MS: 30_000,
      DB_POOL_MAX_WAITING: 500,
    });
  });

  it('take smaller per-instance defaults on Vercel, which explicit values still override', () => {
    expect(loadDbEnv({ DATABASE_URL: url, VERCEL: '1' })).toMatchObject({
      platform: 'vercel',
      DB_POOL_MIN: 0,
      DB_POOL_MAX: 5,
      DB_IDLE_TIMEOUT_MS: 5_000,
    });
    expect(loadDbEnv({ DATABASE_URL: url, VERCEL: '1', DB_POOL_MAX: '3' }).DB_POOL_MAX).toBe(3);
  });

  it.each([
    [{ DB_POOL_MAX: 'abc' }, /^Invalid environment: DB_POOL_MAX: /],
    [
      { DB_POOL_MIN: '11' },
      /^Invalid environment: DB_POOL_MIN: DB_POOL_MIN \(11\) must not exceed DB_POOL_MAX \(10\)$/,
    ],
    [{ DB_SSL: 'verify-full' }, /^Invalid environment: DB_SSL_CA: /],
    [
      { DB_SSL: 'verify-full', DB_SSL_CA: '/nonexistent/db-ca.pem' },
      /^Invalid environment: DB_SSL_CA: DB_SSL_CA is neither PEM text nor a readable file: "\/nonexistent\/db-ca.pem"$/,
    ],
    [{ DB_CONNECTION_TIMEOUT_MS: '-1' }, /^Invalid environment: DB_CONNECTION_TIMEOUT_MS: /],
    [{ VERCEL: '1', DB_POOL_MIN: '2' }, /^Invalid environment: DB_POOL_MIN: DB_POOL_MIN must be 0 on Vercel/],
    [
      { VERCEL: '1', DB_IDLE_TIMEOUT_MS: '0' },
      /^Invalid environment: DB_IDLE_TIMEOUT_MS: DB_IDLE_TIMEOUT_MS must be above 0 on Vercel/,
    ],
    [
      { VERCEL: '1', DB_IDLE_TIMEOUT_MS: '600000' },
      /^Invalid environment: DB_IDLE_TIMEOUT_MS: DB_IDLE_TIMEOUT_MS must be at most 30000 on Vercel \(VERCEL=1\), got 600000/,
    ],
  ])('refuse %o with one line naming the variable', (overrides, message) => {
    expect(() => loadDbEnv({ DATABASE_URL: url, ...overrides })).toThrow(message);
  });

  it('accept on Vercel what the serverless load run measured: min 0, a short idle timeout', () => {
    expect(
      loadDbEnv({ DATABASE_URL: url, VERCEL: '1', DB_POOL_MIN: '0', DB_IDLE_TIMEOUT_MS: '30000' }),
    ).toMatchObject({ DB_POOL_MIN: 0, DB_IDLE_TIMEOUT_MS: 30_000 });
    // The limit is Vercel's: a long-lived server may keep idle clients as long as it likes.
    expect(loadDbEnv({ DATABASE_URL: url, DB_IDLE_TIMEOUT_MS: '600000' }).DB_IDLE_TIMEOUT_MS).toBe(600_000);
  });

  it('bound every query on the client a little above the statement timeout', () => {
    const config = poolConfigFromEnv(loadDbEnv({ DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: '10000' }));
    expect(config.query_timeout).toBeGreaterThan(10_000);
    expect(config.query_timeout).toBeLessThanOrEqual(15_000);
  });

  it('let DB_SSL override the URL’s sslmode', () => {
    const config = poolConfigFromEnv(
      loadDbEnv({ DATABASE_URL: `${url}?sslmode=disable`, DB_SSL: 'require' }),
    );
    expect(config.connectionString).not.toContain('sslmode');
    expect(config.ssl).toEqual({ rejectUnauthorized: false });
  });
});
