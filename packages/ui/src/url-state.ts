'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

export type UrlUpdates = Record<string, string | number | null | undefined>;

/**
 * Filters and paging kept in the URL, so that a reload, a shared link or the Back button shows
 * the same list. `set` merges updates into the current query string (`null`/`''` removes a key);
 * a new page is a new history entry, a changed filter by default too. The URL changes through the
 * History API, which Next.js keeps `useSearchParams` in step with: the list refetches its data,
 * the page itself is not fetched again from the server.
 */
export function useUrlState() {
  const params = useSearchParams();
  const pathname = usePathname() ?? '/';
  const hrefWith = useCallback(
    (updates: UrlUpdates, current: string = params?.toString() ?? '') => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(updates)) {
        if (value === null || value === undefined || value === '') next.delete(key);
        else next.set(key, String(value));
      }
      const query = next.toString();
      return query ? `${pathname}?${query}` : pathname;
    },
    [params, pathname],
  );
  const set = useCallback(
    (updates: UrlUpdates, { replace = false }: { replace?: boolean } = {}) => {
      // From the address bar, not from the last render: a second change made before React has
      // re-rendered with the first (a search, then at once a filter) must not bring back what the
      // first removed.
      const href = hrefWith(updates, window.location.search);
      if (replace) window.history.replaceState(null, '', href);
      else window.history.pushState(null, '', href);
    },
    [hrefWith],
  );
  const get = useCallback((key: string) => params?.get(key) ?? '', [params]);
  return { get, set, hrefWith };
}
