'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';

import { humanError } from './errors';
import { PageView } from './track';

export interface NavItem {
  href: string;
  label: string;
}

const isCurrent = (pathname: string, href: string) =>
  href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);

/**
 * The page frame: a skip link, the brand, the main menu (a menu button on a phone) and the main
 * region the skip link lands on. `nav` empty: a signed-out page, with no menu and no sign-out.
 */
export function AppShell({
  product,
  nav,
  children,
  who,
}: {
  product: string;
  nav: NavItem[];
  children: ReactNode;
  /** Who is signed in, shown beside Sign out. */
  who?: string;
}) {
  const pathname = usePathname() ?? '/';
  const [menuOpen, setMenuOpen] = useState(false);
  // A new page closes the phone menu.
  useEffect(() => setMenuOpen(false), [pathname]);
  const signedIn = nav.length > 0;
  return (
    <div className="oh-shell">
      <a className="oh-skip" href="#main">
        Skip to content
      </a>
      <header className="oh-header">
        <a className="oh-brand" href="/">
          <span aria-hidden="true">⌂</span> OpenHouse <small>{product}</small>
        </a>
        {signedIn ? (
          <>
            <button
              type="button"
              className="oh-menu-button"
              aria-expanded={menuOpen}
              aria-controls="oh-main-nav"
              onClick={() => setMenuOpen((open) => !open)}
            >
              <span aria-hidden="true">{menuOpen ? '✕' : '☰'}</span> Menu
            </button>
            <nav id="oh-main-nav" aria-label="Main" className="oh-nav" data-open={menuOpen}>
              <ul>
                {nav.map((item) => (
                  <li key={item.href}>
                    <a href={item.href} aria-current={isCurrent(pathname, item.href) ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
              <form action="/api/sign-out" method="post" className="oh-sign-out">
                {who ? <span className="oh-who">{who}</span> : null}
                <button type="submit" className="oh-link-button">
                  Sign out
                </button>
              </form>
            </nav>
          </>
        ) : null}
      </header>
      {/* Signed-in pages only: the sign-in page has no navigation and no session to record under. */}
      {signedIn ? <PageView /> : null}
      <main id="main" className="oh-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function Card({
  title,
  meta,
  children,
  className,
}: {
  title: ReactNode;
  meta?: ReactNode;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <article className={className ? `oh-card ${className}` : 'oh-card'}>
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

/**
 * A failed read, said plainly: a 401 goes to the signed-out page, a busy or unreachable server
 * gets a retry, anything else says what happened.
 */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const human = humanError(error);
  useEffect(() => {
    if (human.status === 401) window.location.assign('/signed-out');
  }, [human.status]);
  if (human.status === 401) {
    return <p className="oh-state">Your session has ended. Taking you to sign in…</p>;
  }
  const text = [human.summary, ...Object.values(human.fields)].filter(Boolean).join(' ');
  return (
    <div className="oh-state oh-error" role="alert">
      <p>{text}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const NUMBER = new Intl.NumberFormat('en-GB');

/** "3 Sept 2026" */
export function formatDate(value: Date | string) {
  return DATE.format(new Date(value));
}

/** "3 Sept 2026, 14:05" */
export function formatDateTime(value: Date | string) {
  return DATE_TIME.format(new Date(value));
}

/** "12,345" */
export function formatNumber(value: number) {
  return NUMBER.format(value);
}

/** A date as a <time> element: readable text, machine-readable value. */
export function DateText({ value, withTime = false }: { value: Date | string; withTime?: boolean }) {
  const date = new Date(value);
  return <time dateTime={date.toISOString()}>{withTime ? formatDateTime(date) : formatDate(date)}</time>;
}
