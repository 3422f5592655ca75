import { z } from 'zod';

import { httpUrl, parseEnv, type EnvSource } from '@openhouse/env';

export const sentryEnvSchema = z.object({
  SENTRY_DSN: httpUrl('SENTRY_DSN', 'DSN URL').optional(),
  SENTRY_ENVIRONMENT: z.string().trim().min(1).max(64).default('development'),
});

export type SentryEnv = z.infer<typeof sentryEnvSchema>;

export function loadSentryEnv(source: EnvSource = process.env): SentryEnv {
  return parseEnv(sentryEnvSchema, source);
}
