export { createContext } from './context';
export type { Context, ContextDeps } from './context';
export { appRouter } from './root';
export type { AppRouter } from './root';
export { createCallerFactory } from './trpc';
export { reportIdleClientError } from './observe';
export { failureCounts, recentFailures, renderPrometheus } from './metrics';
export { loadAssistantEnv } from './assistant/env';
export type { AssistantEnv } from './assistant/env';
