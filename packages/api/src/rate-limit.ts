import { TRPCError } from '@trpc/server';

import { processSingleton } from '@openhouse/env';

import { recordRateLimited } from './metrics';
import { loadRequestLimits, type RequestLimits } from './request-limits';

/**
 * Per-user rate limits for the procedures a caller could use to guess or to run up cost: a token
 * bucket per (limit, user) in this process, refilled evenly over the window. Refused calls are
 * answered 429 with `Retry-After` (the seconds until the next call would pass) and counted in
 * `openhouse_rate_limited_total`. Checked before the RLS transaction, so a refused call never
 * touches the pool.
 *
 * The buckets live in the process: with N instances a user gets up to N × the limit. That still
 * bounds an invite-code guesser to a few thousand tries a day against codes of about 59 bits, and keeps
 * one user from holding the assistant; a limit shared between instances would need a shared store.
 */

export interface RateLimit {
  name: string;
  /** Calls allowed per window, and so the burst allowed at once. */
  limit: (limits: RequestLimits) => number;
  windowMs: number;
}

export const INVITE_CLAIMS: RateLimit = {
  name: 'invite_claim',
  limit: (limits) => limits.RATE_LIMIT_INVITE_CLAIMS_PER_HOUR,
  windowMs: 3_600_000,
};

export const ASSISTANT_QUESTIONS: RateLimit = {
  name: 'assistant_ask',
  limit: (limits) => limits.RATE_LIMIT_ASSISTANT_PER_MINUTE,
  windowMs: 60_000,
};

/** Who is limited: a user of a tenant (the verified claims' `tenant_id` and `sub`). */
export interface CallerKey {
  tenant_id: string;
  sub: string;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets beyond this are dropped oldest first: a full bucket and a forgotten one are the same. */
const MAX_BUCKETS = 100_000;

const buckets = () => processSingleton('api.rate-limit-buckets', () => new Map<string, Bucket>());

/**
 * Takes one call from the caller's bucket for `rateLimit`; throws TOO_MANY_REQUESTS (429) when it is
 * empty, with the wait in the message and in `retryAfterSeconds` for the `Retry-After` header.
 */
export function takeCall(rateLimit: RateLimit, caller: CallerKey, now = Date.now()): void {
  const capacity = rateLimit.limit(loadRequestLimits());
  const perMs = capacity / rateLimit.windowMs;
  const key = `${rateLimit.name}\u0000${caller.tenant_id}\u0000${caller.sub}`;
  const all = buckets();
  const bucket = all.get(key) ?? { tokens: capacity, updatedAt: now };
  bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) * perMs);
  bucket.updatedAt = now;
  // Re-inserted so that the map's order is least recently used first.
  all.delete(key);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    all.set(key, bucket);
    if (all.size > MAX_BUCKETS) all.delete(all.keys().next().value!);
    return;
  }
  all.set(key, bucket);
  recordRateLimited(rateLimit.name);
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  throw new RateLimitedError(rateLimit.name, retryAfterSeconds);
}

/** A 429 that says when to come back. */
export class RateLimitedError extends TRPCError {
  constructor(
    readonly limitName: string,
    readonly retryAfterSeconds: number,
  ) {
    super({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many attempts; try again in ${formatWait(retryAfterSeconds)}`,
    });
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}
