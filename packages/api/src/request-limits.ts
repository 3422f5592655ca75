import { z } from 'zod';

import { cachedEnvLoader, wholeNumber } from '@openhouse/env';

/**
 * What one caller may ask of a serving process, from the environment (checked at start-up, one
 * line naming the variable when a value is bad). The pool's own share-out between tenants is in
 * `@openhouse/db` (`DB_POOL_TENANT_MAX`); these bound a request before it reaches the pool.
 */
export const requestLimitsSchema = z.object({
  // A request body is read in full, up to this, before any procedure runs: 413 past it. A
  // published document (100,000 characters, JSON-escaped) fits with room.
  API_MAX_BODY_BYTES: wholeNumber('API_MAX_BODY_BYTES', 1_024).default(1_048_576),
  // Invite-code claims per homeowner per hour: a guess costs a claim.
  RATE_LIMIT_INVITE_CLAIMS_PER_HOUR: wholeNumber('RATE_LIMIT_INVITE_CLAIMS_PER_HOUR', 1).default(20),
  // Assistant questions per homeowner per minute: each may wait on a model. One a second on
  // average, far above a person's pace, far below a script's.
  RATE_LIMIT_ASSISTANT_PER_MINUTE: wholeNumber('RATE_LIMIT_ASSISTANT_PER_MINUTE', 1).default(60),
});

export type RequestLimits = z.infer<typeof requestLimitsSchema>;

/** Parsed from `source`; parsed again only when one of the variables changed (tests set them per server). */
export const loadRequestLimits = cachedEnvLoader(requestLimitsSchema);
