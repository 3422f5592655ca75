import { performance } from 'node:perf_hooks';

import { median } from '@openhouse/harness/stats';

import { POOL_MIN } from './options';
import { READ_SQL, type BenchHomeowner } from './workload';
import { appDatabase } from './ways/with-rls';

/**
 * The first request after start-up, with and without `warm()` (the `DB_POOL_MIN` pre-warm that
 * `startServer` runs): pg-pool's `min` never opens connections by itself, so without the
 * pre-warm the first request pays for TCP, the SCRAM handshake and backend start-up.
 * Each repetition is a fresh pool; the order of the two variants alternates.
 */

export interface WarmupResult {
  repeats: number;
  poolMin: number;
  /** Median first-request latency (ms) after `warm()`. */
  prewarmedMedianMs: number;
  /** Median first-request latency (ms) of a pool that opens its connection on demand. */
  coldMedianMs: number;
  /** Median duration of `warm()` itself, paid once at start-up. */
  warmCallMedianMs: number;
  prewarmedMs: number[];
  coldMs: number[];
}

export async function measurePoolWarmup(
  appUrl: string,
  homeowner: BenchHomeowner,
  repeats: number,
): Promise<WarmupResult> {
  const prewarmedMs: number[] = [];
  const coldMs: number[] = [];
  const warmCallMs: number[] = [];

  const firstRequest = async (prewarm: boolean) => {
    const database = appDatabase(appUrl, 'bench-warmup', { DB_POOL_MIN: String(POOL_MIN) });
    try {
      if (prewarm) {
        const begun = performance.now();
        await database.warm();
        warmCallMs.push(performance.now() - begun);
      }
      const begun = performance.now();
      await database.withRls(homeowner.claims, (tx) => tx.execute(READ_SQL));
      (prewarm ? prewarmedMs : coldMs).push(performance.now() - begun);
    } finally {
      await database.close();
    }
  };

  for (let repeat = 0; repeat < repeats; repeat++) {
    const order = repeat % 2 === 0 ? [true, false] : [false, true];
    for (const prewarm of order) await firstRequest(prewarm);
  }
  return {
    repeats,
    poolMin: POOL_MIN,
    prewarmedMedianMs: median(prewarmedMs),
    coldMedianMs: median(coldMs),
    warmCallMedianMs: median(warmCallMs),
    prewarmedMs,
    coldMs,
  };
}
