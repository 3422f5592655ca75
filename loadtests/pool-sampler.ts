/**
 * Samples the portal's pool counters from `GET /api/health` every ~200 ms while a suite runs:
 * in use (`total - idle`) and waiting. One request at a time per portal, so the sampler never
 * piles up requests of its own when the portal is slow.
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
    private readonly portalUrl: string,
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
    try {
      const response = await fetch(`${this.portalUrl}/api/health`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = (await response.json()) as HealthBody;
      const pool = body.pool ?? { total: 0, idle: 0, waiting: 0 };
      return {
        t,
        inUse: pool.total - pool.idle,
        waiting: pool.waiting,
        total: pool.total,
        healthy: response.ok,
      };
    } catch {
      return { t, inUse: 0, waiting: 0, total: 0, healthy: false };
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  get peakInUse(): number {
    return Math.max(0, ...this.samples.map((sample) => sample.inUse));
  }

  get peakWaiting(): number {
    return Math.max(0, ...this.samples.map((sample) => sample.waiting));
  }
}
