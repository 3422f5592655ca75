import { expect, it } from 'vitest';

import { loadAssistantEnv } from '@openhouse/api';

it('parses the assistant settings, with no model by default', () => {
  const defaults = loadAssistantEnv({});
  expect(defaults.ASSISTANT_LLM_BASE_URL).toBeUndefined();
  expect(defaults.ASSISTANT_LLM_TIMEOUT_MS).toBe(15_000);
  expect(
    loadAssistantEnv({ ASSISTANT_LLM_BASE_URL: 'http://127.0.0.1:9/v1', ASSISTANT_LLM_TIMEOUT_MS: '2500' }),
  ).toMatchObject({ ASSISTANT_LLM_BASE_URL: 'http://127.0.0.1:9/v1', ASSISTANT_LLM_TIMEOUT_MS: 2500 });
});

it('refuses a bad value with one line naming the variable', () => {
  expect(() => loadAssistantEnv({ ASSISTANT_LLM_TIMEOUT_MS: 'soon' })).toThrow(
    'Invalid environment: ASSISTANT_LLM_TIMEOUT_MS: ASSISTANT_LLM_TIMEOUT_MS must be a whole number',
  );
  expect(() => loadAssistantEnv({ ASSISTANT_LLM_BASE_URL: 'ftp://model' })).toThrow(
    'Invalid environment: ASSISTANT_LLM_BASE_URL: ASSISTANT_LLM_BASE_URL must be an http(s) URL',
  );
});
