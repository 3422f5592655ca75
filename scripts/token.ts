import { parseArgs } from 'node:util';

import { mintDevToken } from '@openhouse/auth/dev-token';
import { findSeedUser } from '@openhouse/seed';

import { ensureDevJwtSecret, loadDotEnv } from './lib/local-env';

/**
 * `pnpm run token -- --email <seeded user>`: prints a signed dev JWT. Refuses in production,
 * whether NODE_ENV=production comes from the shell or from `.env`. (pnpm 12 reserves `pnpm token`.)
 */

const USAGE = 'usage: pnpm run token -- --email <seeded user email> [--expires 8h]';
let values: { email?: string; expires: string };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: { email: { type: 'string' }, expires: { type: 'string', default: '8h' } },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
// Before the check: NODE_ENV=production may be set only in .env.
loadDotEnv();
if (process.env.NODE_ENV === 'production') {
  console.error('pnpm run token refuses to mint tokens when NODE_ENV=production');
  process.exit(1);
}
if (!values.email) {
  console.error(USAGE);
  process.exit(2);
}
const user = findSeedUser(values.email);
if (!user) {
  console.error(`--email: ${values.email} is not a seeded user (try plot01.meadow-view@northfield.test)`);
  process.exit(1);
}
ensureDevJwtSecret((line) => console.error(line));
if (!process.env.AUTH_JWT_SECRET) {
  console.error('AUTH_JWT_SECRET: dev tokens are HS256 and need the secret (AUTH_JWKS_URL is set instead)');
  process.exit(1);
}
console.log(
  await mintDevToken(user, {
    secret: process.env.AUTH_JWT_SECRET,
    audience: process.env.AUTH_JWT_AUDIENCE,
    issuer: process.env.AUTH_JWT_ISSUER,
    expiresIn: values.expires,
  }),
);
