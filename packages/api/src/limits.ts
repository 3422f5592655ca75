/**
 * What the API accepts, shared with the portals' forms so that a client never offers what the
 * server refuses. No imports: client components load this file as it is.
 */

/** The longest chat message, in characters. */
export const MAX_MESSAGE_CHARS = 4_000;

/** A homeowner's onboarding, in order: claim the house, fill in the profile, acknowledge the key documents. */
export const ONBOARDING_STEPS = ['claim', 'profile', 'documents'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];
