/**
 * Process-wide state — the pool, the metrics registry, the drain flag — kept on `globalThis` under
 * a registry symbol. Next.js may load a module once per bundle layer (the start-up hook and the
 * route handlers are different layers), and Next.js dev reloads modules on every edit: a
 * module-level variable would be one per copy, this is one per process.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  // Read on every request, several times: after the first, from this copy's own map.
  if (seen.has(name)) return seen.get(name) as T;
  const key = Symbol.for(`openhouse.${name}`);
  const store = globalThis as typeof globalThis & { [key: symbol]: T | undefined };
  const value = (store[key] ??= create());
  seen.set(name, value);
  return value;
}

/** What this copy of the module has already found on `globalThis`: it never changes once there. */
const seen = new Map<string, unknown>();
