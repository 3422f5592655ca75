import { handleSignOut } from '@openhouse/api/server';

export const POST = handleSignOut;
