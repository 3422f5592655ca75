import { parseArgs } from 'node:util';

import { UsageError } from '@openhouse/harness/cli';
import type { SeedScale } from '@openhouse/seed';

/** What one `pnpm bench` run measures and for how long. */
export interface BenchOptions {
  /** Measured seconds per cell (one way at one concurrency). */
  seconds: number;
  /** Unmeasured seconds run before each cell, so pools, plans and caches are warm. */
  warmupSeconds: number;
  /** Concurrent callers per cell. */
  concurrencies: number[];
  /** Whether to build/start the tenant portal and measure the HTTP path. */
  http: boolean;
  /** Only the HTTP section (floor / procedure over HTTP / in-process): no five ways, no warm-up. */
  httpOnly: boolean;
  /** Fresh pools per variant in the warm-up measurement. */
  warmupRepeats: number;
  quick: boolean;
  /**
   * The data set the table is measured on. Other than small, the same run also measures every way
   * on a small database, so the report shows both side by side.
   */
  scale: BenchScale;
  /** `pnpm bench …` as typed, for the JSON and the docs. */
  command: string;
}

/** The scales `pnpm bench` offers: the seed alone, or the production-sized data set. */
export const BENCH_SCALES = ['small', 'large'] as const satisfies readonly SeedScale[];
export type BenchScale = (typeof BENCH_SCALES)[number];

/** The pool size the issue fixes for every pooled way; not read from the environment on purpose. */
export const POOL_MAX = 10;
/** `DB_POOL_MIN` for the warm-up measurement. */
export const POOL_MIN = 2;

const USAGE = `usage: pnpm bench [--quick] [--seconds N] [--scale small|large] [--no-http | --http | --http-only]
  --quick      short smoke run (1 s per cell, no HTTP section unless --http)
  --seconds N  measured seconds per cell (default 5; whole seconds, pgbench needs them)
  --scale S    data set: small (the seed plus the bench's notices; default) or large
               (seedAtScale 'large', minutes to load); large also measures small in the same
               run and prints both side by side
  --no-http    skip the HTTP section (it needs a production build of the tenant portal)
  --http       run the HTTP section also with --quick
  --http-only  only the HTTP section: floor (/api/health), procedure over HTTP, in-process
environment: BENCH_DATABASE_URL  a superuser URL to run against instead of an embedded Postgres`;

export function parseBenchOptions(argv: string[]): BenchOptions {
  // `pnpm bench -- --quick` passes the `--` through; it is not an option.
  const args = argv.filter((arg) => arg !== '--');
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        quick: { type: 'boolean', default: false },
        seconds: { type: 'string' },
        scale: { type: 'string', default: 'small' },
        http: { type: 'boolean' },
        'no-http': { type: 'boolean' },
        'http-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE, 0);

  const quick = values.quick;
  let seconds = quick ? 1 : 5;
  if (values.seconds !== undefined) {
    if (!/^\d+$/.test(values.seconds) || Number(values.seconds) < 1) {
      throw new UsageError(`--seconds: expected a whole number of seconds ≥ 1, got "${values.seconds}"`);
    }
    seconds = Number(values.seconds);
  }
  const scale = values.scale as BenchScale;
  if (!BENCH_SCALES.includes(scale)) {
    throw new UsageError(`--scale: expected ${BENCH_SCALES.join(' or ')}, got "${values.scale}"\n${USAGE}`);
  }
  if (values.http && values['no-http']) throw new UsageError('--http and --no-http exclude each other');
  if (values['http-only'] && values['no-http'])
    throw new UsageError('--http-only and --no-http exclude each other');

  return {
    seconds,
    warmupSeconds: quick ? 0.3 : 1,
    concurrencies: [1, 10, 50],
    http: values['http-only'] || (values['no-http'] ? false : (values.http ?? !quick)),
    httpOnly: values['http-only'],
    warmupRepeats: quick ? 5 : 15,
    quick,
    scale,
    command: ['pnpm bench', ...args].join(' '),
  };
}
