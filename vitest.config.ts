import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One real Postgres for the run: TEST_DATABASE_URL if set, else an embedded one. Each test
    // file clones its own database from a migrated, seeded template.
    globalSetup: ['./tooling/harness/src/vitest-setup.ts'],
    // In CI each run also writes a JSON report; .ci/run sums them into one closing line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: `test-results/vitest-${process.pid}.json` }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/*/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
