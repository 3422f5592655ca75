'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';

import type { inferRouterOutputs } from '@trpc/server';

import type { AppRouter } from '@openhouse/api';

import { createPortalClient } from './retry-link';

/** What each procedure returns, for components that take a result as a prop. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The portals' typed client for the shared router, mounted at `/api/trpc` on the same origin. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** HTTP status of a failed call, when the server answered. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof TRPCClientError
    ? (error.data as { httpStatus?: number } | undefined)?.httpStatus
    : undefined;
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // A 4xx will not change on retry; a busy database (503) might.
        retry: (failures, error) => {
          const status = httpStatusOf(error);
          return failures < 2 && (status === undefined || status >= 500);
        },
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    // The session cookie rides along on same-origin requests; no token is handled in the browser.
    // Every mutation carries an Idempotency-Key and is retried with it (see retry-link.ts).
    createPortalClient(),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
