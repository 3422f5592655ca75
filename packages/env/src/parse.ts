import type { z } from 'zod';

import { StartupRefusal } from './refusal';

/** A start-up configuration error: `message` is one line that names the variable. */
export class EnvError extends StartupRefusal {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid environment: ${variable}: ${detail}`);
    this.name = 'EnvError';
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Parses `schema` against `source`, throwing one {@link EnvError} for the first bad variable.
 * Nothing falls back to a default silently: a default applies only to a variable that is unset.
 */
export function parseEnv<T extends z.ZodType>(schema: T, source: EnvSource): z.infer<T> {
  // Empty strings mean "unset" so that `FOO=` in a .env file does not become a bad value.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const detail = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  throw new EnvError(variable, detail);
}

/**
 * A loader for `schema`'s variables that parses once and again only when one of them changed:
 * cheap on every request, and still right for a test that sets a variable for its own server.
 */
export function cachedEnvLoader<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
): (source?: EnvSource) => z.infer<z.ZodObject<Shape>> {
  const names = Object.keys(schema.shape);
  let cached: { key: string; env: z.infer<z.ZodObject<Shape>> } | undefined;
  return (source = process.env) => {
    const key = JSON.stringify(names.map((name) => source[name] ?? null));
    if (cached?.key !== key) cached = { key, env: parseEnv(schema, source) };
    return cached.env;
  };
}
