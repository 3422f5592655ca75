import { z } from 'zod';

/** The claims a request may carry, as pinned in the brief. Custom claims may sit in `app_metadata`. */

const uuid = z.uuid({ error: 'must be a UUID' });
const base = {
  sub: uuid,
  role: z.literal('authenticated', { error: 'must be "authenticated"' }),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number().int(),
  iat: z.number().int(),
  iss: z.string().optional(),
  tenant_id: uuid,
};

export const claimsSchema = z.discriminatedUnion(
  'app_role',
  [
    z.object({
      ...base,
      app_role: z.literal('homeowner'),
      development_id: uuid,
      house_id: uuid,
    }),
    z.object({
      ...base,
      app_role: z.literal('developer'),
      development_id: uuid.optional(),
      house_id: z.undefined({ error: 'must be absent for developer staff' }).optional(),
    }),
  ],
  { error: 'must be "homeowner" or "developer"' },
);

export type Claims = z.infer<typeof claimsSchema>;
export type AppRole = Claims['app_role'];

const CUSTOM_CLAIMS = ['tenant_id', 'development_id', 'house_id', 'app_role'] as const;

/** Lifts custom claims out of Supabase's `app_metadata`; a top-level claim wins. */
export function flattenClaims(payload: Record<string, unknown>): Record<string, unknown> {
  const metadata = payload.app_metadata;
  const flat: Record<string, unknown> = { ...payload };
  delete flat.app_metadata;
  delete flat.user_metadata;
  if (metadata && typeof metadata === 'object') {
    for (const claim of CUSTOM_CLAIMS) {
      if (flat[claim] === undefined && claim in metadata) {
        flat[claim] = (metadata as Record<string, unknown>)[claim];
      }
    }
  }
  return flat;
}
