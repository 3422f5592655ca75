import { z } from 'zod';

import { parseEnv } from '@openhouse/db/env';

export const sentryEnvSchema = z.object({
  SENTRY_DSN: z.url({ protocol: /^https?$/, error: 'SENTRY_DSN must be an http(s) DSN URL' }).optional(),
  SENTRY_ENVIRONMENT: z.string().trim().min(1).max(64).default('development'),
});

export type SentryEnv = z.infer<typeof sentryEnvSchema>;

export function loadSentryEnv(source: Record<string, string | undefined> = process.env): SentryEnv {
  return parseEnv(sentryEnvSchema, source);
}
