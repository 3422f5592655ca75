export { createContext } from './context';
export type { Context, ContextDeps } from './context';
export { appRouter } from './root';
export type { AppRouter } from './root';
export { createCallerFactory } from './trpc';
export { toTrpcError } from './errors';
export { reportIdleClientError } from './observe';
export { failureCounts, recentFailures, renderPrometheus } from './metrics';
