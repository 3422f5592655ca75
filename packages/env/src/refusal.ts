/**
 * A reason for the process not to start — a bad setting, a login role that could see past RLS.
 * Start-up prints its one-line `message` and exits 1; anything else is a crash with a stack.
 *
 * Recognised by a registry-symbol brand, not `instanceof` or `name`: Next.js may load a package
 * once per bundle layer, so the class that threw may be another copy of this one.
 */

const BRAND = Symbol.for('openhouse.startup-refusal');

export class StartupRefusal extends Error {
  readonly [BRAND] = true;
}

export function isStartupRefusal(error: unknown): error is StartupRefusal {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}
