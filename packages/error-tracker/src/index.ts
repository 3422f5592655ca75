export { loadSentryEnv, sentryEnvSchema } from './env';
export type { SentryEnv } from './env';
export {
  captureRequestError,
  flushErrorTracking,
  initErrorTracking,
  reportDbFailure,
  scrubEvent,
  scrubText,
} from './report';
export type { DbFailureReport } from './report';
