import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';

import { classifyDbFailure } from '@openhouse/db';

import type { Context } from './context';
import { invalidFields, toTrpcError } from './errors';
import { observeCall } from './observe';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    if (error.cause instanceof ZodError) {
      return { ...shape, data: { ...shape.data, fields: invalidFields(error.cause) } };
    }
    return shape;
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
  const result = await next();
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
