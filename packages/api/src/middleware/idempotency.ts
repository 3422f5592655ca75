import { createHash } from 'node:crypto';

import { TRPCError } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';

import type { Claims } from '@openhouse/auth';
import { schema, type Database } from '@openhouse/db';

import { middleware } from '../trpc';

/** How long a stored response answers a repeat (the IETF `Idempotency-Key` draft's 24 h). */
export const IDEMPOTENCY_WINDOW_HOURS = 24;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

type Tx = Parameters<Parameters<Database['withRls']>[1]>[0];

const { idempotencyKeys } = schema;

/** The caller's own row for `key` (RLS allows no other). */
const ownKey = (claims: Claims, key: string) =>
  and(
    eq(idempotencyKeys.tenantId, claims.tenant_id),
    eq(idempotencyKeys.userId, claims.sub),
    eq(idempotencyKeys.key, key),
  );

/** The header's value, checked: `null` when absent, a 400 naming the header when unusable. */
export function idempotencyKeyOf(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw.length < 1 || raw.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `The Idempotency-Key header must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} characters (got ${raw.length})`,
    });
  }
  return raw;
}

/** JSON with object keys sorted, so the same input hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const requestHash = (path: string, input: unknown) =>
  createHash('sha256')
    .update(`${path}\n${canonicalJson(input)}`)
    .digest('hex');

type Lookup = { kind: 'fresh'; response: unknown } | { kind: 'stale' } | { kind: 'none' };

/**
 * Takes the key for this transaction (a transaction-scoped advisory lock on the hash of tenant,
 * user and key: a concurrent repeat does not wait, it is answered 409 at once) and reads what is
 * stored under it. A stored row with another request hash is a 422.
 */
export async function claimKey(tx: Tx, claims: Claims, key: string, hash: string): Promise<Lookup> {
  const lockKey = JSON.stringify([claims.tenant_id, claims.sub, key]);
  const locked = await tx.execute<{ locked: boolean }>(
    sql`select pg_try_advisory_xact_lock(hashtextextended(${lockKey}, 0)) as locked`,
  );
  if (!locked.rows[0]?.locked) {
    throw new TRPCError({
      code: 'CONFLICT',
      message: 'A request with this Idempotency-Key is still running; retry once it has finished',
    });
  }
  const [row] = await tx
    .select({
      requestHash: idempotencyKeys.requestHash,
      response: idempotencyKeys.response,
      fresh: sql<boolean>`${idempotencyKeys.createdAt} >= now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})`,
    })
    .from(idempotencyKeys)
    .where(ownKey(claims, key));
  if (!row) return { kind: 'none' };
  if (!row.fresh) return { kind: 'stale' };
  if (row.requestHash !== hash) {
    throw new TRPCError({
      code: 'UNPROCESSABLE_CONTENT',
      message: 'This Idempotency-Key was used with a different request (procedure or input)',
    });
  }
  return { kind: 'fresh', response: row.response };
}

/** Stores the response under the key, in the caller's transaction; an expired row is replaced. */
export async function storeResponse(
  tx: Tx,
  claims: Claims,
  key: string,
  hash: string,
  previous: Lookup['kind'],
  data: unknown,
): Promise<void> {
  // JSON `null` stands for a procedure that returned nothing (a bare null would be SQL NULL).
  const response = data === undefined || data === null ? sql`'null'::json` : data;
  if (previous === 'stale') {
    await tx
      .update(idempotencyKeys)
      .set({ requestHash: hash, response, createdAt: sql`now()` })
      .where(ownKey(claims, key));
  } else {
    await tx
      .insert(idempotencyKeys)
      .values({ tenantId: claims.tenant_id, userId: claims.sub, key, requestHash: hash, response });
  }
}

/**
 * `Idempotency-Key` for mutations that run in one RLS transaction (must follow `rlsTransaction`,
 * so `ctx.db` is that transaction). With no header, or for a query, it does nothing. With one:
 * the key is taken (409 while another request holds it), a fresh stored response for the same
 * request is answered as is with no effect, another request under the key is a 422, and a
 * successful response is stored in the same transaction as the mutation's effect — it exists iff
 * the effect committed. A failed call stores nothing (its transaction rolls back).
 */
export const idempotentMutation = middleware(async (opts) => {
  const { ctx, type, path, next, getRawInput } = opts;
  const key = type === 'mutation' ? idempotencyKeyOf(ctx.idempotencyKey) : null;
  if (key === null) return next();
  const { claims, db } = ctx as typeof ctx & { claims?: Claims; db?: Tx };
  if (!claims || !db) throw new Error('idempotentMutation must follow rlsTransaction');
  const hash = requestHash(path, await getRawInput());
  const found = await claimKey(db, claims, key, hash);
  if (found.kind === 'fresh') {
    // A replay: what the first call answered, without running the procedure again.
    const replay = { ok: true as const, data: found.response, marker: undefined };
    return replay as unknown as Awaited<ReturnType<typeof next>>;
  }
  const result = await next();
  if (result.ok) await storeResponse(db, claims, key, hash, found.kind, result.data);
  return result;
});

/**
 * `Idempotency-Key` for a phased mutation (several short transactions around a wait, so no one
 * transaction can wrap it): `lookup` in its first transaction answers a repeat from the stored
 * response before anything else happens; `lookup` again, then `store`, in the transaction that
 * records its effect, so the response is stored iff the effect committed — and a repeat that ran
 * alongside and stored first is answered with that one, its own effect never written. `null`
 * without the header. The key's lock lasts one transaction: two concurrent repeats may both wait
 * on the model, but only one records.
 */
export function phasedIdempotencyKey(
  claims: Claims,
  rawKey: string | null | undefined,
  path: string,
  input: unknown,
): { lookup(tx: Tx): Promise<Lookup>; store(tx: Tx, previous: Lookup, data: unknown): Promise<void> } | null {
  const key = idempotencyKeyOf(rawKey);
  if (key === null) return null;
  const hash = requestHash(path, input);
  return {
    lookup: (tx) => claimKey(tx, claims, key, hash),
    store: (tx, previous, data) => storeResponse(tx, claims, key, hash, previous.kind, data),
  };
}
