import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_JWT_SECRET } from '@openhouse/harness/api';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';

/**
 * Start-up as the portals run it (`startServer` from their instrumentation hook), in a real child
 * process: a bad setting stops it with exit code 1 and one line naming the variable.
 */

const run = promisify(execFile);
const START = `import('@openhouse/api/server').then(async (m) => { await m.startServer(); console.log('serving'); process.exit(0); })`;

async function startWith(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '-e', START], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

let testDb: TestDatabase;
let good: Record<string, string>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  good = { DATABASE_URL: testDb.appUrl, AUTH_JWT_SECRET: TEST_JWT_SECRET };
});
afterAll(() => testDb.drop());

describe('start-up', () => {
  it('serves with good settings', async () => {
    const result = await startWith(good);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('serving');
  });

  it.each([
    ['DB_POOL_MAX=abc', { DB_POOL_MAX: 'abc' }, 'DB_POOL_MAX'],
    ['DB_POOL_MIN > DB_POOL_MAX', { DB_POOL_MIN: '20', DB_POOL_MAX: '5' }, 'DB_POOL_MIN'],
    ['DB_POOL_MAX=0', { DB_POOL_MAX: '0' }, 'DB_POOL_MAX'],
    ['DB_SSL=sometimes', { DB_SSL: 'sometimes' }, 'DB_SSL'],
    [
      'a DB_SSL_CA file that does not exist',
      { DB_SSL: 'verify-full', DB_SSL_CA: '/nonexistent/db-ca.pem' },
      'DB_SSL_CA',
    ],
    ['a short secret', { AUTH_JWT_SECRET: 'too-short' }, 'AUTH_JWT_SECRET'],
    ['no DATABASE_URL', { DATABASE_URL: '' }, 'DATABASE_URL'],
    ['a DATABASE_URL that is not postgres', { DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
  ])('stops on %s with one line naming the variable', async (_, overrides, variable) => {
    const result = await startWith({ ...good, ...overrides });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('serving');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid environment: ${variable}: `));
  });

  it('refuses to serve as a superuser, with one line saying why', async () => {
    const result = await startWith({ ...good, DATABASE_URL: testDb.adminUrl });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Refusing to serve: .*superuser/),
    ]);
  });
});
