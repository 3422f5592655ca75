import { signOutResponse } from '@openhouse/ui/session';

/** Ends the session (any session can end, in production too) and lands on the signed-out page. */
export const POST = signOutResponse;
