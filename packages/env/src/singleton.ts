/**
 * Process-wide state — the pool, the metrics registry, the drain flag — kept on `globalThis` under
 * a registry symbol. Next.js may load a module once per bundle layer (the start-up hook and the
 * route handlers are different layers), and Next.js dev reloads modules on every edit: a
 * module-level variable would be one per copy, this is one per process.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`openhouse.${name}`);
  const store = globalThis as typeof globalThis & { [key: symbol]: T | undefined };
  return (store[key] ??= create());
}
