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
    (updates: UrlUpdates) => {
      const next = new URLSearchParams(params?.toString() ?? '');
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
      const href = hrefWith(updates);
      if (replace) window.history.replaceState(null, '', href);
      else window.history.pushState(null, '', href);
    },
    [hrefWith],
  );
  const get = useCallback((key: string) => params?.get(key) ?? '', [params]);
  return { get, set, hrefWith };
}
