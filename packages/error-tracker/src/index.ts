export { loadSentryEnv, sentryEnvSchema } from './env';
export type { SentryEnv } from './env';
export { captureRequestError, flushErrorTracking, initErrorTracking, reportDbFailure } from './report';
export { scrubEvent, scrubText } from './scrub';
export type { DbFailureReport } from './report';
export { traceProcedure, traceRlsTransaction, traceStep } from './trace';
