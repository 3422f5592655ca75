import * as SentryModule from '@sentry/nextjs';

/**
 * The SDK as one object. Node's ESM loader, importing the SDK's CommonJS build (under tsx:
 * `pnpm bench`, `pnpm load`), sees only the exports it can detect statically — `getActiveSpan`
 * and `flush` are not among them — while the whole module is its `default`; a bundler's ESM build
 * has no `default` and every export.
 */
export const Sentry = (SentryModule as { default?: typeof SentryModule }).default ?? SentryModule;
