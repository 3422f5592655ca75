'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent, type MouseEvent } from 'react';

import { useTRPC } from './trpc';
import { useUrlState, type UrlUpdates } from './url-state';

/** The pieces every long list shares: a search and filter bar and a pager, both kept in the URL. */

export interface FilterSelect {
  /** The URL parameter. */
  name: string;
  label: string;
  options: { value: string; label: string }[];
}

/**
 * A search box (applied with its button or Enter) and selects (applied on change). Every change
 * starts again from the first page.
 */
export function ListToolbar({
  searchLabel,
  placeholder,
  selects,
}: {
  searchLabel: string;
  placeholder?: string;
  selects: FilterSelect[];
}) {
  const url = useUrlState();
  const q = url.get('q');
  const [draft, setDraft] = useState(q);
  // Back and Forward change the URL under the box: show what the list shows.
  useEffect(() => setDraft(q), [q]);
  const searchId = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    url.set({ q: draft.trim(), cursor: null, page: null });
  };
  return (
    <form className="oh-toolbar" role="search" onSubmit={submit}>
      <div className="oh-search">
        <label htmlFor={searchId}>{searchLabel}</label>
        <div className="oh-search-row">
          <input
            id={searchId}
            type="search"
            name="q"
            value={draft}
            maxLength={100}
            placeholder={placeholder}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit">Search</button>
        </div>
      </div>
      {selects.map((select) => (
        <FilterField
          key={select.name}
          select={select}
          value={url.get(select.name)}
          onChange={(value) => url.set({ [select.name]: value, cursor: null, page: null })}
        />
      ))}
    </form>
  );
}

/**
 * One filter: a label tied to its select by id (a label wrapped round a select would also take
 * in the options' text as the select's name).
 */
export function FilterField({
  select,
  value,
  onChange,
}: {
  select: FilterSelect;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="oh-field">
      <label htmlFor={id}>{select.label}</label>
      <select id={id} name={select.name} value={value} onChange={(event) => onChange(event.target.value)}>
        {select.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "All developments" and the caller's developments, for a staff filter. */
export function useDevelopmentFilter(): FilterSelect | null {
  const trpc = useTRPC();
  const developments = useQuery(trpc.developments.list.queryOptions());
  if (!developments.data || developments.data.length < 2) return null;
  return {
    name: 'development',
    label: 'Development',
    options: [
      { value: '', label: 'All developments' },
      ...developments.data.map((development) => ({ value: development.id, label: development.name })),
    ],
  };
}

/** The current page of a list from the URL: its cursor and its number (for the label). */
export function usePageParams() {
  const url = useUrlState();
  const page = Math.max(1, Number.parseInt(url.get('page') || '1', 10) || 1);
  return { cursor: url.get('cursor') || undefined, page };
}

/**
 * Newer / Older links for a cursor-paged list. `previousCursor`: undefined on the first page,
 * null when the page before is the first, else its cursor.
 */
export function Pager({
  previousCursor,
  nextCursor,
  noun,
}: {
  previousCursor: string | null | undefined;
  nextCursor: string | null;
  noun: string;
}) {
  const url = useUrlState();
  const { page } = usePageParams();
  if (previousCursor === undefined && !nextCursor) return null;
  // Real links (a new tab, a copied address work); a click changes the URL in place.
  const go = (updates: UrlUpdates) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    url.set(updates);
    window.scrollTo({ top: 0 });
  };
  const newer = { cursor: previousCursor ?? null, page: page - 1 > 1 ? page - 1 : null };
  const older = { cursor: nextCursor, page: page + 1 };
  return (
    <nav className="oh-pager" aria-label={`Pages of ${noun}`}>
      {previousCursor !== undefined ? (
        <a href={url.hrefWith(newer)} onClick={go(newer)} rel="prev">
          ← Newer {noun}
        </a>
      ) : (
        <span />
      )}
      <span className="oh-meta" aria-current="page">
        Page {page}
      </span>
      {nextCursor ? (
        <a href={url.hrefWith(older)} onClick={go(older)} rel="next">
          Older {noun} →
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}
