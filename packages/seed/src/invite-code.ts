import { createHash } from 'node:crypto';

import { formatInviteCode, INVITE_CODE_ALPHABET, INVITE_CODE_LENGTH } from '@openhouse/api/invite-codes';

/**
 * The seed's code for a house: derived from the house id so that tests and the browser test can
 * claim without asking the database. Seed data only: real codes come from `generateInviteCode`.
 */
export function seedInviteCode(houseId: string): string {
  const digest = createHash('sha256').update(`openhouse:invite:${houseId}`).digest();
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++)
    code += INVITE_CODE_ALPHABET[digest[i]! % INVITE_CODE_ALPHABET.length];
  return formatInviteCode(code);
}
