import { PoolExhaustedError, PoolWaitTimeoutError } from './failures';

/**
 * Shares the pool's connections between tenants. Every request asks this gate for a slot before it
 * checks a client out of the pool, and the gate never grants more slots than the pool has, so
 * pg-pool's own (first come, first served) queue stays empty and the order of service is decided
 * here:
 *
 * - **Least-held first.** When a slot frees and several tenants wait, it goes to the waiting tenant
 *   that holds the fewest connections (ties: the one whose oldest waiter came first). A tenant
 *   sending 20× the pool's concurrency therefore queues behind itself: another tenant's request
 *   waits for the next free slot, one transaction's time, not for the flood ahead of it.
 * - **A ceiling per tenant** (`tenantMax`, default all but one connection once the pool has four):
 *   no tenant holds every connection, so a tenant arriving at a pool busy with one tenant's long
 *   transactions still finds a slot at once. It costs a lone busy tenant one connection of the
 *   pool; below four connections that is too much of it, and only least-held-first applies.
 * - **The queue's bound is shared too.** With `maxWaiting` requests queued, a new request from a
 *   tenant queueing less than its share (`⌈maxWaiting / waiting tenants⌉`) is still queued, and the
 *   newest waiter of the tenant queueing most is shed in its place; otherwise the new request is
 *   shed. Either way the one shed is answered at once (`PoolExhaustedError`, 503), never left to hang.
 * - **Every wait is bounded** by `waitTimeoutMs` (the pool's connection timeout): past it the
 *   request fails with {@link PoolWaitTimeoutError}, classified `pool_timeout`.
 *
 * Weighted fair queueing per request would need each request's cost in advance; holding counts are
 * what the pool can see, and bounding what each tenant holds is what keeps the others served.
 */

export interface FairShareOptions {
  /** Slots: the pool's `max`. */
  max: number;
  /** Most slots one tenant may hold at once. */
  tenantMax: number;
  /** Most requests queued in all; see the rule above. `undefined`: unbounded. */
  maxWaiting?: number;
  /** Longest a request waits for a slot, in ms; 0 waits for ever (pg-pool's own meaning of 0). */
  waitTimeoutMs: number;
}

export interface TenantShare {
  tenantId: string;
  inUse: number;
  waiting: number;
}

/** Counters since start, for metrics: requests shed and waits timed out, by tenant. */
export interface FairShareCounters {
  shed: Map<string, number>;
  timedOut: Map<string, number>;
}

/** Returns the slot; call exactly once, whatever happened to the request. */
export type ReleaseSlot = () => void;

interface Waiter {
  tenantId: string;
  enqueuedAt: number;
  grant: (release: ReleaseSlot) => void;
  fail: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Tenant {
  inUse: number;
  queue: Waiter[];
}

/** The default per-tenant ceiling: all but one connection, from a pool of four up. */
export function defaultTenantMax(max: number): number {
  return max >= 4 ? max - 1 : max;
}

export class FairShare {
  private readonly tenants = new Map<string, Tenant>();
  private inUse = 0;
  private waitingCount = 0;
  private sequence = 0;
  readonly counters: FairShareCounters = { shed: new Map(), timedOut: new Map() };

  constructor(private readonly options: FairShareOptions) {}

  /** Resolves with a slot for `tenantId`, or rejects (shed at once, or the wait timed out). */
  acquire(tenantId: string): Promise<ReleaseSlot> {
    const tenant = this.tenant(tenantId);
    if (this.waitingCount === 0 && this.canGrant(tenant))
      return Promise.resolve(this.grant(tenantId, tenant));

    const { maxWaiting } = this.options;
    if (maxWaiting !== undefined && this.waitingCount >= maxWaiting && !this.makeRoomFor(tenantId, tenant)) {
      this.forgetIfIdle(tenantId, tenant);
      return Promise.reject(this.shed(tenantId));
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = {
        tenantId,
        enqueuedAt: this.sequence++,
        grant: resolve,
        fail: reject,
      };
      if (this.options.waitTimeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          this.remove(waiter);
          increment(this.counters.timedOut, tenantId);
          reject(new PoolWaitTimeoutError(this.options.waitTimeoutMs));
        }, this.options.waitTimeoutMs);
      }
      tenant.queue.push(waiter);
      this.waitingCount++;
      // A slot may be free for this tenant while others wait at their ceiling.
      this.dispatch();
    });
  }

  /** Requests queued for a slot now, all tenants. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Tenants holding or waiting for a connection now. */
  shares(): TenantShare[] {
    return [...this.tenants].map(([tenantId, t]) => ({ tenantId, inUse: t.inUse, waiting: t.queue.length }));
  }

  /** Rejects every waiter (the pool is closing). */
  close(error: Error): void {
    for (const tenant of this.tenants.values()) {
      for (const waiter of tenant.queue.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.fail(error);
      }
    }
    this.waitingCount = 0;
  }

  private tenant(tenantId: string): Tenant {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) this.tenants.set(tenantId, (tenant = { inUse: 0, queue: [] }));
    return tenant;
  }

  private canGrant(tenant: Tenant): boolean {
    const { max, tenantMax } = this.options;
    return this.inUse < max && tenant.inUse < tenantMax;
  }

  private grant(tenantId: string, tenant: Tenant): ReleaseSlot {
    tenant.inUse++;
    this.inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      tenant.inUse--;
      this.inUse--;
      this.forgetIfIdle(tenantId, tenant);
      this.dispatch();
    };
  }

  /** Hands free slots to waiters, least-held tenant first. */
  private dispatch(): void {
    while (this.inUse < this.options.max) {
      let next: Tenant | undefined;
      for (const tenant of this.tenants.values()) {
        if (tenant.queue.length === 0 || !this.canGrant(tenant)) continue;
        if (
          !next ||
          tenant.inUse < next.inUse ||
          (tenant.inUse === next.inUse && tenant.queue[0]!.enqueuedAt < next.queue[0]!.enqueuedAt)
        ) {
          next = tenant;
        }
      }
      if (!next) return;
      const waiter = next.queue.shift()!;
      this.waitingCount--;
      clearTimeout(waiter.timer);
      waiter.grant(this.grant(waiter.tenantId, next));
    }
  }

  /**
   * The queue is full: queue `tenantId`'s request anyway if that tenant queues less than its share,
   * shedding the newest waiter of the tenant that queues most. Returns whether room was made.
   */
  private makeRoomFor(tenantId: string, tenant: Tenant): boolean {
    const waitingTenants = [...this.tenants.values()].filter((t) => t.queue.length > 0);
    const tenantsAfter = waitingTenants.length + (tenant.queue.length === 0 ? 1 : 0);
    const share = Math.ceil(this.options.maxWaiting! / Math.max(1, tenantsAfter));
    if (tenant.queue.length >= share) return false;
    let heaviest: Tenant | undefined;
    for (const t of waitingTenants) if (!heaviest || t.queue.length > heaviest.queue.length) heaviest = t;
    if (!heaviest || heaviest === tenant || heaviest.queue.length <= tenant.queue.length + 1) return false;
    const evicted = heaviest.queue.pop()!;
    this.waitingCount--;
    clearTimeout(evicted.timer);
    this.forgetIfIdle(evicted.tenantId, heaviest);
    evicted.fail(this.shed(evicted.tenantId));
    return true;
  }

  private shed(tenantId: string): PoolExhaustedError {
    increment(this.counters.shed, tenantId);
    return new PoolExhaustedError(this.waitingCount);
  }

  private remove(waiter: Waiter): void {
    const tenant = this.tenants.get(waiter.tenantId);
    const index = tenant?.queue.indexOf(waiter) ?? -1;
    if (!tenant || index < 0) return;
    tenant.queue.splice(index, 1);
    this.waitingCount--;
    this.forgetIfIdle(waiter.tenantId, tenant);
  }

  /** Tenants holding and awaiting nothing are dropped, so the map holds only active tenants. */
  private forgetIfIdle(tenantId: string, tenant: Tenant): void {
    if (tenant.inUse === 0 && tenant.queue.length === 0) this.tenants.delete(tenantId);
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
