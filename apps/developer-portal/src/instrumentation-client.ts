import { initBrowserErrorTracking } from '@openhouse/error-tracker/client';

// Browser errors go to Sentry too, scrubbed as the server's are (SENTRY_DSN, inlined at build time).
initBrowserErrorTracking();
