import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';

import { classifyDbFailure } from '@openhouse/db';
import { traceProcedure } from '@openhouse/error-tracker';

import type { Context } from './context';
import { invalidFields, toTrpcError } from './errors';
import { observeCall } from './observe';

/**
 * Only a development server shows stack traces and the message of an unexpected error. tRPC's own
 * default shows them whenever NODE_ENV is not `production` (a staging server, say); the message of
 * an error nobody mapped (`errors.ts` maps what it knows) may be raw database or library text.
 */
const DEVELOPMENT = process.env.NODE_ENV === 'development';

const t = initTRPC.context<Context>().create({
  isDev: DEVELOPMENT,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    const safe = DEVELOPMENT
      ? shape
      : {
          ...shape,
          message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal error' : shape.message,
          data,
        };
    if (error.cause instanceof ZodError) {
      return { ...safe, data: { ...safe.data, fields: invalidFields(error.cause) } };
    }
    return safe;
  },
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/**
 * The base of every procedure: whatever fails below is answered through `toTrpcError`, and every
 * call is counted and, if the database failed it, reported (`observe.ts`). A database failure was
 * classified where it happened; it is read here once and handed to both.
 */
export const publicProcedure = t.procedure.use(async ({ ctx, path, type, next }) => {
  const startedAt = performance.now();
  const result = await traceProcedure(
    path,
    type,
    () => next(),
    (outcome) => outcome.ok,
  );
  if (result.ok) {
    observeCall(ctx, { path, type, durationMs: performance.now() - startedAt }, {});
    return result;
  }
  const failure = classifyDbFailure(result.error);
  const error = toTrpcError(result.error, failure);
  observeCall(
    ctx,
    { path, type, durationMs: performance.now() - startedAt },
    { error, cause: result.error, failure },
  );
  throw error;
});
