/**
 * Samples the portals' pool counters from `GET /api/health` every ~200 ms while a suite runs:
 * in use (`total - idle`) and waiting, summed over the portals (one, or three behind PgBouncer).
 * One round of requests at a time, so the sampler never piles up requests of its own when the
 * portals are slow.
 */

export interface PoolSample {
  /** Milliseconds since the suite started. */
  t: number;
  inUse: number;
  waiting: number;
  total: number;
  /** False when the health check answered 503 or not at all. */
  healthy: boolean;
}

const INTERVAL_MS = 200;
const REQUEST_TIMEOUT_MS = 2_000;

interface HealthBody {
  pool?: { total: number; idle: number; waiting: number };
}

export class PoolSampler {
  readonly samples: PoolSample[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly portalUrls: string[],
    private readonly startedAt: number,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const began = Date.now();
      this.samples.push(await this.sample());
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, INTERVAL_MS - (Date.now() - began))));
    }
  }

  private async sample(): Promise<PoolSample> {
    const t = Date.now() - this.startedAt;
    const each = await Promise.all(this.portalUrls.map((url) => this.sampleOne(url)));
    return {
      t,
      inUse: each.reduce((sum, one) => sum + one.inUse, 0),
      waiting: each.reduce((sum, one) => sum + one.waiting, 0),
      total: each.reduce((sum, one) => sum + one.total, 0),
      healthy: each.every((one) => one.healthy),
    };
  }

  private async sampleOne(portalUrl: string): Promise<Omit<PoolSample, 't'>> {
    try {
      const response = await fetch(`${portalUrl}/api/health`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = (await response.json()) as HealthBody;
      const pool = body.pool ?? { total: 0, idle: 0, waiting: 0 };
      return {
        inUse: pool.total - pool.idle,
        waiting: pool.waiting,
        total: pool.total,
        healthy: response.ok,
      };
    } catch {
      return { inUse: 0, waiting: 0, total: 0, healthy: false };
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
