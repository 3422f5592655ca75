import { accessSync, constants } from 'node:fs';

import { z } from 'zod';

import { parseEnv, wholeNumber, type EnvSource } from '@openhouse/env';

/**
 * Database settings, parsed once at start-up. A bad value throws an `EnvError` naming the
 * variable; nothing falls back to a default silently.
 */

const postgresUrl = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `${name} must be a postgres:// or postgresql:// URL`);

/**
 * Defaults differ by platform. A Vercel function instance is one of many and may be suspended
 * between requests: fewer connections each, none opened ahead of need, and idle ones closed
 * quickly (Vercel suggests about 5 s) so that a suspended instance does not hold them.
 */
const POOL_DEFAULTS = {
  server: { min: 2, max: 10, idleMs: 30_000 },
  vercel: { min: 0, max: 5, idleMs: 5_000 },
} as const;

export type Platform = keyof typeof POOL_DEFAULTS;

/** The longest `DB_IDLE_TIMEOUT_MS` accepted with `VERCEL=1` (see the check below). */
export const VERCEL_MAX_IDLE_TIMEOUT_MS = 30_000;

export const detectPlatform = (source: EnvSource): Platform => (source.VERCEL === '1' ? 'vercel' : 'server');

export const dbEnvSchema = (platform: Platform = 'server') =>
  z
    .object({
      DATABASE_URL: postgresUrl('DATABASE_URL'),
      DATABASE_ADMIN_URL: postgresUrl('DATABASE_ADMIN_URL').optional(),
      DB_POOL_MIN: wholeNumber('DB_POOL_MIN', 0).default(POOL_DEFAULTS[platform].min),
      DB_POOL_MAX: wholeNumber('DB_POOL_MAX', 1).default(POOL_DEFAULTS[platform].max),
      // Requests queued for a connection beyond this are refused at once instead of queueing.
      DB_POOL_MAX_WAITING: wholeNumber('DB_POOL_MAX_WAITING', 0).default(500),
      // Most connections one tenant may hold; unset: all but one from a pool of 4 up (fair-share.ts).
      DB_POOL_TENANT_MAX: wholeNumber('DB_POOL_TENANT_MAX', 1).optional(),
      DB_IDLE_TIMEOUT_MS: wholeNumber('DB_IDLE_TIMEOUT_MS', 0).default(POOL_DEFAULTS[platform].idleMs),
      DB_CONNECTION_TIMEOUT_MS: wholeNumber('DB_CONNECTION_TIMEOUT_MS', 1).default(5_000),
      DB_STATEMENT_TIMEOUT_MS: wholeNumber('DB_STATEMENT_TIMEOUT_MS', 1).default(10_000),
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: wholeNumber('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 1).default(15_000),
      DB_APPLICATION_NAME: z.string().trim().min(1).max(63).default('openhouse'),
      DB_SSL: z.enum(['disable', 'require', 'verify-full']).optional(),
      DB_SSL_CA: z
        .string()
        .refine((value) => value.includes('-----BEGIN') || isReadableFile(value), {
          error: (issue) =>
            `DB_SSL_CA is neither PEM text nor a readable file: ${JSON.stringify(issue.input)}`,
        })
        .optional(),
    })
    .superRefine((env, ctx) => {
      if (env.DB_POOL_MIN > env.DB_POOL_MAX) {
        ctx.addIssue({
          code: 'custom',
          path: ['DB_POOL_MIN'],
          message: `DB_POOL_MIN (${env.DB_POOL_MIN}) must not exceed DB_POOL_MAX (${env.DB_POOL_MAX})`,
        });
      }
      // pg-pool never closes clients at or below `min`, and attachDatabasePool waits for the idle
      // ones to close before a Vercel instance may suspend: both must let every client go.
      if (platform === 'vercel' && env.DB_POOL_MIN > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['DB_POOL_MIN'],
          message: `DB_POOL_MIN must be 0 on Vercel (VERCEL=1), got ${env.DB_POOL_MIN}: pg-pool never closes clients at or below min`,
        });
      }
      if (platform === 'vercel' && env.DB_IDLE_TIMEOUT_MS === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['DB_IDLE_TIMEOUT_MS'],
          message: 'DB_IDLE_TIMEOUT_MS must be above 0 on Vercel (VERCEL=1): idle clients must close',
        });
      }
      // attachDatabasePool keeps the instance running (and billed) this long after every request,
      // and a longer wait outlives the idle limits of poolers and networks in front of Postgres.
      if (platform === 'vercel' && env.DB_IDLE_TIMEOUT_MS > VERCEL_MAX_IDLE_TIMEOUT_MS) {
        ctx.addIssue({
          code: 'custom',
          path: ['DB_IDLE_TIMEOUT_MS'],
          message: `DB_IDLE_TIMEOUT_MS must be at most ${VERCEL_MAX_IDLE_TIMEOUT_MS} on Vercel (VERCEL=1), got ${env.DB_IDLE_TIMEOUT_MS}: idle clients must close before the instance is suspended`,
        });
      }
      if (env.DB_POOL_TENANT_MAX !== undefined && env.DB_POOL_TENANT_MAX > env.DB_POOL_MAX) {
        ctx.addIssue({
          code: 'custom',
          path: ['DB_POOL_TENANT_MAX'],
          message: `DB_POOL_TENANT_MAX (${env.DB_POOL_TENANT_MAX}) must not exceed DB_POOL_MAX (${env.DB_POOL_MAX})`,
        });
      }
      if (env.DB_SSL === 'verify-full' && !env.DB_SSL_CA) {
        ctx.addIssue({
          code: 'custom',
          path: ['DB_SSL_CA'],
          message: 'DB_SSL_CA is required when DB_SSL=verify-full',
        });
      }
    });

/** Read at start-up, so that a missing CA file stops it with one line instead of a stack trace. */
function isReadableFile(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export type DbEnv = z.infer<ReturnType<typeof dbEnvSchema>> & { platform: Platform };

export function loadDbEnv(source: EnvSource = process.env): DbEnv {
  const platform = detectPlatform(source);
  return { ...parseEnv(dbEnvSchema(platform), source), platform };
}
