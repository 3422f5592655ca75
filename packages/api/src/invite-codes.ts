import { createHash, randomInt } from 'node:crypto';

/**
 * House invite codes: twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L),
 * shown as XXXX-XXXX-XXXX. About 59 bits of randomness; only the sha256 of the normalised code is
 * stored, and `private.claim_house_invite` normalises and hashes the same way in SQL.
 */

export const INVITE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const INVITE_CODE_LENGTH = 12;

/** Upper case, separators and spaces removed: what the user typed, as it was issued. */
export function normaliseInviteCode(code: string): string {
  return code.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

export function hashInviteCode(code: string): string {
  return createHash('sha256').update(normaliseInviteCode(code), 'utf8').digest('hex');
}

export function formatInviteCode(normalised: string): string {
  return normalised.match(/.{1,4}/g)!.join('-');
}

export function generateInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) {
    code += INVITE_CODE_ALPHABET[randomInt(INVITE_CODE_ALPHABET.length)];
  }
  return formatInviteCode(code);
}
