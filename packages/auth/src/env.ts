import { z } from 'zod';

import { parseEnv } from '@openhouse/db/env';

export const authEnvSchema = z
  .object({
    AUTH_JWT_SECRET: z
      .string()
      .refine(
        (secret) => Buffer.byteLength(secret, 'utf8') >= 32,
        'AUTH_JWT_SECRET must be at least 32 bytes',
      )
      .optional(),
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'AUTH_JWKS_URL must be an http(s) URL' }).optional(),
    AUTH_JWT_ISSUER: z.string().trim().min(1).optional(),
    AUTH_JWT_AUDIENCE: z.string().trim().min(1).default('authenticated'),
  })
  .superRefine((env, ctx) => {
    if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL (asymmetric keys)',
      });
    }
    if (env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: 'set only one of AUTH_JWT_SECRET and AUTH_JWKS_URL',
      });
    }
  });

export type AuthEnv = z.infer<typeof authEnvSchema>;

export function loadAuthEnv(source: Record<string, string | undefined> = process.env): AuthEnv {
  return parseEnv(authEnvSchema, source);
}
