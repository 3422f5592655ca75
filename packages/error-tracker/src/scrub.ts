import type { Event } from '@sentry/nextjs';

/**
 * What never reaches Sentry, from the server or a browser: no types or code here that only one of
 * them has, so both portals' client bundles share it with the server.
 */

/**
 * Drizzle wraps a failed query as "Failed query: <sql>\nparams: <values>", and the cause chain
 * (Sentry's linked errors) repeats it: a homeowner's phone number would reach Sentry. Every
 * message, exception value and breadcrumb is cut at "Failed query" and Postgres' "Key (…)=(…)"
 * details are masked; the request's query string and body (a tRPC call's `input`) are dropped.
 * The kind, SQLSTATE, route and pool counters travel as tags and context, untouched.
 */
export function scrubText(text: string): string {
  return (
    text
      .replace(/Failed query:[\s\S]*/g, 'Failed query: [SQL and parameters removed]')
      .replace(/params:[\s\S]*/g, 'params: [removed]')
      .replace(/\(([^()]*)\)=\(([^()]*)\)/g, '($1)=([removed])')
      // Postgres quotes the offending input after a colon: 'invalid input syntax for type integer: "…"'.
      .replace(/: "[^"]*"/g, ': "[removed]"')
  );
}

export function scrubEvent<E extends Event>(event: E): E {
  if (event.message) event.message = scrubText(event.message);
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = scrubText(exception.value);
    // Source lines around each frame (ContextLines) may hold SQL; the file and line are enough.
    for (const frame of exception.stacktrace?.frames ?? []) {
      delete frame.pre_context;
      delete frame.context_line;
      delete frame.post_context;
      delete frame.vars;
    }
  }
  for (const crumb of event.breadcrumbs ?? []) {
    if (crumb.message) crumb.message = scrubText(crumb.message);
    if (crumb.data) delete crumb.data;
  }
  if (event.request) {
    delete event.request.query_string;
    delete event.request.data;
    delete event.request.cookies;
    if (event.request.url) event.request.url = event.request.url.split('?')[0];
    if (event.request.headers) {
      for (const name of Object.keys(event.request.headers)) {
        if (/^(authorization|cookie)$/i.test(name)) delete event.request.headers[name];
      }
    }
  }
  for (const [key, value] of Object.entries(event.extra ?? {})) {
    if (typeof value === 'string') event.extra![key] = scrubText(value);
  }
  // A transaction's spans carry URLs (a tRPC query's input is in its query string) and statements.
  const spanData = [event.contexts?.trace?.data, ...(event.spans ?? []).map((span) => span.data)];
  for (const span of event.spans ?? [])
    if (span.description) span.description = scrubSpanText(span.description);
  for (const data of spanData) {
    for (const [key, value] of Object.entries(data ?? {})) {
      if (typeof value === 'string') data![key] = scrubSpanText(value);
    }
  }
  return event;
}

const scrubSpanText = (text: string) => scrubText(text.replace(/\?\S*/g, ''));
