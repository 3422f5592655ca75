// Browser errors go to Sentry too, scrubbed as the server's are, when a DSN was configured at build
// time (SENTRY_DSN, inlined by next.config.ts); without one the SDK is not even loaded.
if (process.env.NEXT_PUBLIC_SENTRY_DSN) {
  void import('@openhouse/error-tracker/client').then(({ initBrowserErrorTracking }) =>
    initBrowserErrorTracking(),
  );
}
