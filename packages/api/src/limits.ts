/**
 * What the API accepts, shared with the portals' forms so that a client never offers what the
 * server refuses. No imports: client components load this file as it is.
 */

/** The longest chat message, in characters. */
export const MAX_MESSAGE_CHARS = 4_000;

/** A homeowner's onboarding, in order: claim the house, fill in the profile, acknowledge the key documents. */
export const ONBOARDING_STEPS = ['claim', 'profile', 'documents'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/**
 * Most calls in one batched request: each call takes its own turn on the pool, so an unbounded
 * batch would let one request queue for many connections. The portals' batch link splits at it.
 */
export const MAX_BATCH_SIZE = 10;

/** The longest request URL accepted (a batched GET carries its inputs in the query string). */
export const MAX_URL_CHARS = 8_192;
