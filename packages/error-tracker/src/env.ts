import { z } from 'zod';

import { httpUrl, parseEnv, type EnvSource } from '@openhouse/env';

export const sentryEnvSchema = z.object({
  SENTRY_DSN: httpUrl('SENTRY_DSN', 'DSN URL').optional(),
  SENTRY_ENVIRONMENT: z.string().trim().min(1).max(64).default('development'),
  /** Share of requests traced (0–1); unset, nothing is traced and tracing costs nothing. */
  SENTRY_TRACES_SAMPLE_RATE: z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1')
    .transform(Number)
    .optional(),
});

export type SentryEnv = z.infer<typeof sentryEnvSchema>;

export function loadSentryEnv(source: EnvSource = process.env): SentryEnv {
  return parseEnv(sentryEnvSchema, source);
}
