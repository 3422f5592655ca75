import { z } from 'zod';

import { cachedEnvLoader } from '@openhouse/env';

/**
 * The assistant's optional external model (an OpenAI-compatible chat-completions endpoint).
 * Unset: answers are composed from the retrieved passages, no model needed.
 */
export const assistantEnvSchema = z.object({
  ASSISTANT_LLM_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'ASSISTANT_LLM_BASE_URL must be an http(s) URL' })
    .optional(),
  ASSISTANT_LLM_API_KEY: z.string().trim().min(1).optional(),
  ASSISTANT_LLM_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  ASSISTANT_LLM_TIMEOUT_MS: z
    .string()
    .trim()
    .regex(/^\d+$/, 'ASSISTANT_LLM_TIMEOUT_MS must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(100, 'ASSISTANT_LLM_TIMEOUT_MS must be at least 100'))
    .default(15_000),
});

export type AssistantEnv = z.infer<typeof assistantEnvSchema>;

/** Parsed from `source`; parsed again only when one of the four variables changed. */
export const loadAssistantEnv = cachedEnvLoader(assistantEnvSchema);
