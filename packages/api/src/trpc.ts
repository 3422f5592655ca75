import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';

import type { Context } from './context';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Name the field: "title: Too big: expected string to have <=200 characters".
    if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) {
      const fields = error.cause.issues.map((issue) => ({
        field: issue.path.join('.') || 'input',
        message: issue.message,
      }));
      return {
        ...shape,
        message: fields.map(({ field, message }) => `${field}: ${message}`).join('; '),
        data: { ...shape.data, fields },
      };
    }
    return shape;
  },
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;
