'use client';

import Link from 'next/link';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import { Card, DateText, Empty, ErrorState, Loading } from './components';
import { categoryLabel, KNOWN_CATEGORIES } from './labels';
import { ListToolbar, Pager, useDevelopmentFilter, usePageParams, type FilterSelect } from './lists';
import { useTrack } from './track';
import { useTRPC, type RouterOutputs } from './trpc';
import { useUrlState } from './url-state';

/** Pages both portals show; RLS decides what each account sees in them. */

export type Viewer = 'homeowner' | 'staff';

interface Audience {
  developmentName: string;
  house: { plotNumber: number; address: string } | null;
}

/** Who an item went to, said for the viewer: a homeowner's own home, or which home for staff. */
export function audienceText(item: Audience, viewer: Viewer): string {
  if (viewer === 'homeowner')
    return item.house ? 'Just for your home' : `Everyone at ${item.developmentName}`;
  return item.house
    ? `Plot ${item.house.plotNumber}, ${item.house.address}`
    : `Every home in ${item.developmentName}`;
}

function AudienceBadge({ item, viewer }: { item: Audience; viewer: Viewer }) {
  return (
    <span className={item.house ? 'oh-badge oh-badge-house' : 'oh-badge oh-badge-muted'}>
      {audienceText(item, viewer)}
    </span>
  );
}

const audienceSelect = (viewer: Viewer): FilterSelect => ({
  name: 'audience',
  label: 'Sent to',
  options:
    viewer === 'homeowner'
      ? [
          { value: '', label: 'Everything' },
          { value: 'development', label: 'Everyone in the development' },
          { value: 'house', label: 'Just for your home' },
        ]
      : [
          { value: '', label: 'Every audience' },
          { value: 'development', label: 'Every home in a development' },
          { value: 'house', label: 'One home' },
        ],
});

const audienceOf = (value: string): 'all' | 'development' | 'house' =>
  value === 'development' || value === 'house' ? value : 'all';

type Notice = RouterOutputs['noticeboard']['list']['items'][number];

function NoticeItem({
  notice,
  viewer,
  unread,
  onOpen,
}: {
  notice: Notice;
  viewer: Viewer;
  unread: boolean;
  onOpen: () => void;
}) {
  return (
    <li>
      <details
        className={unread ? 'oh-card oh-notice oh-unread' : 'oh-card oh-notice'}
        onToggle={(event) => {
          if (event.currentTarget.open) onOpen();
        }}
      >
        <summary>
          <span className="oh-notice-title">
            {notice.title}
            {unread ? <span className="oh-badge oh-badge-new">New</span> : null}
          </span>
          <span className="oh-meta oh-summary-meta">
            <DateText value={notice.createdAt} withTime /> · <AudienceBadge item={notice} viewer={viewer} />
          </span>
        </summary>
        <p className="oh-prose">{notice.body}</p>
      </details>
    </li>
  );
}

/**
 * A homeowner's unread markers, kept by the server (`unread` on each listed notice,
 * `noticeboard.markRead`), so they follow the homeowner to any device. A notice opened here stops
 * being new at once; the list is refetched once the server has recorded it, and a failed attempt
 * shows the marker again.
 */
function useReadMarks(viewer: Viewer) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set());
  const forget = (ids: string[]) =>
    setOpened((current) => new Set([...current].filter((id) => !ids.includes(id))));
  const mark = useMutation(
    trpc.noticeboard.markRead.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.noticeboard.list.pathKey() }),
      onError: (_error, input) => forget(input.ids),
    }),
  );
  const isUnread = (notice: Notice) => viewer === 'homeowner' && notice.unread && !opened.has(notice.id);
  const markRead = (notices: Notice[]) => {
    const ids = notices.filter(isUnread).map((notice) => notice.id);
    if (ids.length === 0) return;
    setOpened((current) => new Set([...current, ...ids]));
    mark.mutate({ ids });
  };
  return { isUnread, markRead };
}

/**
 * The noticeboard. `latest`: a home page's newest few, no filters. Otherwise the whole board:
 * search, audience (and development for staff), pages, all in the URL; homeowners see which
 * notices they have not opened yet.
 */
export function NoticeboardView({ viewer, latest }: { viewer: Viewer; latest?: number }) {
  const trpc = useTRPC();
  const track = useTrack();
  const url = useUrlState();
  const marks = useReadMarks(viewer);
  const developmentFilter = useDevelopmentFilter();
  const { cursor } = usePageParams();
  const input = latest
    ? { limit: latest }
    : {
        limit: 10,
        cursor,
        q: url.get('q') || undefined,
        audience: audienceOf(url.get('audience')),
        developmentId: viewer === 'staff' ? url.get('development') || undefined : undefined,
      };
  const notices = useQuery(trpc.noticeboard.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const filters = [
    audienceSelect(viewer),
    ...(viewer === 'staff' && developmentFilter ? [developmentFilter] : []),
  ];

  let body: ReactNode;
  if (notices.isPending) body = <Loading what="notices" />;
  else if (notices.isError) body = <ErrorState error={notices.error} retry={() => void notices.refetch()} />;
  else {
    const { items } = notices.data;
    const unread = items.filter(marks.isUnread);
    const filtered = Boolean(url.get('q') || url.get('audience') || url.get('development'));
    body =
      items.length === 0 ? (
        <Empty>
          {filtered && !latest ? 'No notices match. Try other words or filters.' : 'No notices yet.'}
        </Empty>
      ) : (
        <>
          {viewer === 'homeowner' ? (
            <div className="oh-list-status">
              <p className="oh-meta" role="status">
                {unread.length === 0
                  ? 'You have read everything here.'
                  : `${unread.length} new ${unread.length === 1 ? 'notice' : 'notices'} here.`}
              </p>
              {unread.length > 0 ? (
                <button type="button" className="oh-secondary" onClick={() => marks.markRead(unread)}>
                  Mark these as read
                </button>
              ) : null}
            </div>
          ) : null}
          <ul className="oh-list" aria-label="Notices" aria-busy={notices.isFetching}>
            {items.map((notice) => (
              <NoticeItem
                key={notice.id}
                notice={notice}
                viewer={viewer}
                unread={marks.isUnread(notice)}
                onOpen={() => {
                  marks.markRead([notice]);
                  track('notice.opened', { noticeId: notice.id });
                }}
              />
            ))}
          </ul>
          {latest ? null : (
            <Pager
              previousCursor={notices.data.previousCursor}
              nextCursor={notices.data.nextCursor}
              noun="notices"
            />
          )}
        </>
      );
  }
  return (
    <section aria-label={latest ? 'Latest notices' : 'Notices'}>
      {latest ? null : (
        <ListToolbar searchLabel="Search notices" placeholder="e.g. bins, road, snagging" selects={filters} />
      )}
      {body}
    </section>
  );
}

const categorySelect: FilterSelect = {
  name: 'category',
  label: 'Category',
  options: [
    { value: '', label: 'All categories' },
    ...KNOWN_CATEGORIES.map((category) => ({ value: category, label: categoryLabel(category) })),
  ],
};

/** Staff only: homeowners never see a withdrawn document. */
const statusSelect: FilterSelect = {
  name: 'status',
  label: 'Status',
  options: [
    { value: '', label: 'Published and withdrawn' },
    { value: 'published', label: 'Published' },
    { value: 'withdrawn', label: 'Withdrawn' },
  ],
};
const statusOf = (value: string): 'all' | 'published' | 'withdrawn' =>
  value === 'published' || value === 'withdrawn' ? value : 'all';

/** Withdrawn (for staff: homeowners never see one), and when it was last edited. */
function DocumentState({
  document,
}: {
  document: { updatedAt: Date | string | null; withdrawnAt: Date | string | null };
}) {
  return (
    <>
      {document.withdrawnAt ? (
        <>
          {' '}
          · <span className="oh-badge oh-badge-withdrawn">Withdrawn</span>
        </>
      ) : null}
      {document.updatedAt ? (
        <>
          {' '}
          · Edited <DateText value={document.updatedAt} />
        </>
      ) : null}
    </>
  );
}

/**
 * Documents: search by title, category, audience (and development and status for staff), paged
 * in the URL.
 */
export function DocumentsView({ viewer }: { viewer: Viewer }) {
  const trpc = useTRPC();
  const url = useUrlState();
  const developmentFilter = useDevelopmentFilter();
  const { cursor } = usePageParams();
  const category = url.get('category');
  const documents = useQuery(
    trpc.documents.list.queryOptions(
      {
        limit: 20,
        cursor,
        q: url.get('q') || undefined,
        audience: audienceOf(url.get('audience')),
        category: /^[a-z][a-z0-9-]*$/.test(category) ? category : undefined,
        developmentId: viewer === 'staff' ? url.get('development') || undefined : undefined,
        status: viewer === 'staff' ? statusOf(url.get('status')) : 'all',
      },
      { placeholderData: keepPreviousData },
    ),
  );
  const filters = [
    categorySelect,
    audienceSelect(viewer),
    ...(viewer === 'staff' && developmentFilter ? [developmentFilter] : []),
    ...(viewer === 'staff' ? [statusSelect] : []),
  ];
  let body: ReactNode;
  if (documents.isPending) body = <Loading what="documents" />;
  else if (documents.isError)
    body = <ErrorState error={documents.error} retry={() => void documents.refetch()} />;
  else if (documents.data.items.length === 0)
    body = (
      <Empty>
        {url.get('q') ||
        url.get('category') ||
        url.get('audience') ||
        url.get('development') ||
        url.get('status')
          ? 'No documents match. Try other words or filters.'
          : 'No documents have been published yet.'}
      </Empty>
    );
  else
    body = (
      <>
        <ul className="oh-list" aria-label="Documents" aria-busy={documents.isFetching}>
          {documents.data.items.map((document) => (
            <li key={document.id}>
              <Card
                title={<Link href={`/documents/${document.id}`}>{document.title}</Link>}
                meta={
                  <>
                    <span className="oh-badge">{categoryLabel(document.category)}</span>{' '}
                    <AudienceBadge item={document} viewer={viewer} /> · Published{' '}
                    <DateText value={document.createdAt} />
                    <DocumentState document={document} />
                  </>
                }
              />
            </li>
          ))}
        </ul>
        <Pager
          previousCursor={documents.data.previousCursor}
          nextCursor={documents.data.nextCursor}
          noun="documents"
        />
      </>
    );
  return (
    <section aria-label="Documents">
      <ListToolbar searchLabel="Search documents" placeholder="e.g. heating, warranty" selects={filters} />
      {body}
    </section>
  );
}

export function DocumentView({ id, viewer }: { id: string; viewer: Viewer }) {
  const trpc = useTRPC();
  const document = useQuery(trpc.documents.get.queryOptions({ id }));
  if (document.isPending) return <Loading what="the document" />;
  if (document.isError) {
    return (
      <>
        <p>
          <Link href="/documents">← All documents</Link>
        </p>
        <ErrorState error={document.error} retry={() => void document.refetch()} />
      </>
    );
  }
  const { data } = document;
  return (
    <article className="oh-document">
      <p>
        <Link href="/documents">← All documents</Link>
      </p>
      <h2>{data.title}</h2>
      <p className="oh-meta">
        <span className="oh-badge">{categoryLabel(data.category)}</span>{' '}
        <AudienceBadge item={data} viewer={viewer} /> · Published <DateText value={data.createdAt} />
        <DocumentState document={data} />
      </p>
      {data.withdrawnAt ? (
        <p className="oh-notice-withdrawn" role="status">
          Withdrawn on <DateText value={data.withdrawnAt} withTime />: homeowners can no longer see this
          document, and the assistant no longer answers from it.
        </p>
      ) : null}
      {data.passages.map((passage) => (
        <section
          key={passage.id}
          id={`passage-${passage.id}`}
          className="oh-passage"
          aria-label={passage.heading ?? undefined}
        >
          {passage.heading ? <h3>{passage.heading}</h3> : null}
          {passage.heading !== passage.content ? <p className="oh-prose">{passage.content}</p> : null}
        </section>
      ))}
    </article>
  );
}

export function SignInView({ users }: { users: { email: string; displayName: string; detail: string }[] }) {
  return (
    <section>
      <h2>Sign in (development)</h2>
      <p className="oh-meta">Choose a seeded account. This page does not exist in production.</p>
      <form action="/api/dev/sign-in" method="post" className="oh-users">
        {users.map((user) => (
          <button key={user.email} type="submit" name="email" value={user.email}>
            {user.displayName}
            <small>{user.email}</small>
            <small>{user.detail}</small>
          </button>
        ))}
      </form>
    </section>
  );
}

/** Where signing out (and a visit without a session) lands. */
export function SignedOutView({ portal, signInHref }: { portal: string; signInHref: string | null }) {
  return (
    <section className="oh-card oh-narrow">
      <h2>You are signed out</h2>
      <p>To use the {portal}, sign in again.</p>
      {signInHref ? (
        <p>
          <a className="oh-button" href={signInHref}>
            Sign in
          </a>
        </p>
      ) : (
        <p>Use the sign-in link your developer sent you, or ask them for a new one.</p>
      )}
    </section>
  );
}

/** A signed-in account on the wrong portal: refused before anything of the portal is shown. */
export function WrongPortalView({
  portal,
  account,
  otherPortal,
}: {
  portal: string;
  account: string;
  otherPortal: string;
}) {
  return (
    <section className="oh-card oh-narrow" aria-labelledby="oh-refused">
      <h2 id="oh-refused">This portal is for {portal}</h2>
      <p>
        You are signed in with a {account} account, which cannot use this portal. Use the {otherPortal}{' '}
        instead, or sign out and sign in with another account.
      </p>
      <form action="/api/sign-out" method="post">
        <button type="submit">Sign out</button>
      </form>
    </section>
  );
}
