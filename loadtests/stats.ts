import { percentile as nearestRank } from '@openhouse/harness/stats';

/** Percentiles and per-second series from raw [time ms, latency ms] responses. */

/** The report's percentile: 0 rather than NaN for a suite that got no responses at all. */
const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : nearestRank(sorted, p));

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summariseLatency(responses: [number, number][]): LatencySummary {
  const sorted = responses.map(([, latency]) => latency).sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  };
}

export interface SecondPoint {
  second: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Latency percentiles and throughput for each second of the run. */
export function perSecond(responses: [number, number][]): SecondPoint[] {
  const buckets = new Map<number, number[]>();
  for (const [t, latency] of responses) {
    const second = Math.floor(t / 1000);
    const bucket = buckets.get(second) ?? [];
    bucket.push(latency);
    buckets.set(second, bucket);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, latencies]) => {
      latencies.sort((a, b) => a - b);
      return {
        second,
        requests: latencies.length,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
      };
    });
}

/** The latency at each percentile from 1 to 100, and 99.9, for the percentile chart. */
export function percentileCurve(responses: [number, number][]): [number, number][] {
  const sorted = responses.map(([, latency]) => latency).sort((a, b) => a - b);
  const points: [number, number][] = [];
  for (let p = 1; p <= 99; p++) points.push([p, percentile(sorted, p)]);
  points.push([99.9, percentile(sorted, 99.9)], [100, sorted.at(-1) ?? 0]);
  return points;
}
