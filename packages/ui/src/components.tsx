'use client';

import { useEffect, type ReactNode } from 'react';

import { PageView } from './track';
import { httpStatusOf } from './trpc';

export function AppShell({
  product,
  nav,
  children,
}: {
  product: string;
  nav: { href: string; label: string }[];
  children: ReactNode;
}) {
  return (
    <div className="oh-shell">
      <header className="oh-header">
        <a className="oh-brand" href="/">
          <span aria-hidden="true">⌂</span> OpenHouse <small>{product}</small>
        </a>
        <nav aria-label="Main">
          {nav.map((item) => (
            <a key={item.href} href={item.href}>
              {item.label}
            </a>
          ))}
          <form action="/api/dev/sign-out" method="post">
            <button type="submit" className="oh-link-button">
              Sign out
            </button>
          </form>
        </nav>
      </header>
      {/* Signed-in pages only: the sign-in page has no navigation and no session to record under. */}
      {nav.length > 0 ? <PageView /> : null}
      <main className="oh-main">{children}</main>
    </div>
  );
}

export function Card({
  title,
  meta,
  children,
}: {
  title: ReactNode;
  meta?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <article className="oh-card">
      <h3>{title}</h3>
      {meta ? <p className="oh-meta">{meta}</p> : null}
      {children}
    </article>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="oh-state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="oh-state">{children}</p>;
}

/** A failed call: a 401 goes to sign-in, a busy database gets a retry, anything else says so plainly. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const status = httpStatusOf(error);
  useEffect(() => {
    if (status === 401) window.location.assign('/sign-in');
  }, [status]);
  if (status === 401) return <p className="oh-state">Your session has ended. Taking you to sign in…</p>;
  // A 400/409/412 is the user's to fix (a wrong code, a message too long): the API's own message
  // says what, after the field name it starts with.
  const fixable = status === 400 || status === 409 || status === 412;
  const message = fixable
    ? (error as Error).message.replace(/^[\w.]+: /, '')
    : status === 503
      ? 'The service is busy right now. Please try again in a moment.'
      : status === 403
        ? 'Your account does not have access to this.'
        : status === 404
          ? 'We could not find that.'
          : 'Something went wrong.';
  return (
    <div className="oh-state oh-error" role="alert">
      <p>{message}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function formatDate(value: Date | string) {
  return new Date(value).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}
