import * as Sentry from '@sentry/nextjs';

import { scrubEvent } from './scrub';

/**
 * Sentry in a portal's browser bundle (`instrumentation-client.ts`): uncaught errors and unhandled
 * rejections, scrubbed as on the server (a tRPC call's input travels in URLs and breadcrumbs). The
 * DSN is SENTRY_DSN, inlined at build time by next.config.ts; without it nothing is initialised.
 * Errors only: no tracing, no replay, so the bundle stays small and nothing but errors is sent.
 */
export function initBrowserErrorTracking(
  dsn = process.env.NEXT_PUBLIC_SENTRY_DSN,
  environment = process.env.NEXT_PUBLIC_SENTRY_ENVIRONMENT,
): boolean {
  if (!dsn) return false;
  Sentry.init({
    dsn,
    environment: environment || 'development',
    beforeSend: (event) => scrubEvent(event),
    // Nothing that wraps history.pushState: Next.js keeps useSearchParams in step with it, and
    // Sentry's navigation breadcrumbs and router tracing wrapping it broke the lists' URL filters.
    integrations: (defaults) => [
      ...defaults.filter(({ name }) => name !== 'Breadcrumbs' && name !== 'BrowserTracing'),
      Sentry.breadcrumbsIntegration({ history: false }),
    ],
    beforeBreadcrumb: (crumb) => {
      // Fetches to /api/trpc carry the call's input in the query string; the path is enough.
      if (crumb.data && typeof crumb.data.url === 'string') crumb.data.url = crumb.data.url.split('?')[0];
      return crumb;
    },
  });
  return true;
}
