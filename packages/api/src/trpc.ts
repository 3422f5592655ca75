import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';

import type { Context } from './context';
import { toTrpcError } from './errors';

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

/** The base of every procedure: whatever fails below is answered through `toTrpcError`. */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTrpcError(result.error);
  return result;
});
