/** A database error as node-postgres reports it; Drizzle wraps it as the `cause` of its own error. */
export interface PgError extends Error {
  code: string;
  constraint?: string;
}

/** The Postgres error inside `error` (Drizzle's wrapper or pg's own), if any. */
export function pgErrorOf(error: unknown): PgError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current as PgError;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
