import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';

import type { Context } from './context';
import { toTrpcError } from './errors';
import { observeCall } from './observe';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    if (error.cause instanceof ZodError) {
      const fields = error.cause.issues.map((issue) => ({
        field: issue.path.join('.') || 'input',
        message: issue.message,
      }));
      return { ...shape, data: { ...shape.data, fields } };
    }
    return shape;
  },
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/**
 * The base of every procedure: whatever fails below is answered through `toTrpcError`, and every
 * call is counted and, if the database failed it, reported (`observe.ts`).
 */
export const publicProcedure = t.procedure.use(async ({ ctx, path, type, next }) => {
  const startedAt = performance.now();
  const result = await next();
  const error = result.ok ? undefined : toTrpcError(result.error);
  const cause = result.ok ? undefined : result.error;
  observeCall(ctx, { path, type, durationMs: performance.now() - startedAt }, { error, cause });
  if (error) throw error;
  return result;
});
