import { z } from 'zod';

import { httpUrl, parseEnv, wholeNumber, type EnvSource } from '@openhouse/env';

/**
 * The longest a token may live (`exp - iat`) and be used after it was issued, in seconds, unless
 * AUTH_JWT_MAX_AGE_S says otherwise. Supabase issues one-hour access tokens by default; the dev
 * sign-in issues eight-hour ones. A day leaves room for both and refuses a token minted for years.
 */
export const DEFAULT_JWT_MAX_AGE_S = 86_400;
/** Supabase's own upper limit on a token's lifetime. */
const LONGEST_JWT_MAX_AGE_S = 604_800;

export const authEnvSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    AUTH_JWT_SECRET: z
      .string()
      .refine(
        (secret) => Buffer.byteLength(secret, 'utf8') >= 32,
        'AUTH_JWT_SECRET must be at least 32 bytes',
      )
      .optional(),
    AUTH_JWKS_URL: httpUrl('AUTH_JWKS_URL').optional(),
    AUTH_JWT_ISSUER: z.string().trim().min(1).optional(),
    AUTH_JWT_AUDIENCE: z.string().trim().min(1).default('authenticated'),
    AUTH_JWT_MAX_AGE_S: wholeNumber('AUTH_JWT_MAX_AGE_S', 60)
      .pipe(
        z
          .number()
          .max(LONGEST_JWT_MAX_AGE_S, `AUTH_JWT_MAX_AGE_S must be at most ${LONGEST_JWT_MAX_AGE_S} (a week)`),
      )
      .default(DEFAULT_JWT_MAX_AGE_S),
    // `1` turns on the portals' dev sign-in, which only a development server (`next dev`) serves.
    DEV_SIGN_IN: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
    METRICS_TOKEN: z
      .string()
      .refine((token) => Buffer.byteLength(token, 'utf8') >= 32, 'must be at least 32 bytes')
      .optional(),
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
    // Without an issuer check, a token signed with the same key for another environment or
    // project (a staging that shares the secret, say) verifies here. Production names its issuer.
    if (env.NODE_ENV === 'production' && !env.AUTH_JWT_ISSUER) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_ISSUER'],
        message: 'is required when NODE_ENV=production (Supabase: https://<project>.supabase.co/auth/v1)',
      });
    }
    // Said at start-up rather than ignored: whoever set it expected something that will not happen.
    if (env.NODE_ENV === 'production' && env.DEV_SIGN_IN === '1') {
      ctx.addIssue({
        code: 'custom',
        path: ['DEV_SIGN_IN'],
        message: 'must not be 1 when NODE_ENV=production (a production build never serves the dev sign-in)',
      });
    }
  });

export type AuthEnv = z.infer<typeof authEnvSchema>;

export function loadAuthEnv(source: EnvSource = process.env): AuthEnv {
  return parseEnv(authEnvSchema, source);
}
