'use client';

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';

import { Card, Empty, ErrorState, formatDate, Loading } from './components';
import { useTrack } from './track';
import { useTRPC } from './trpc';

/** Pages both portals show; RLS decides what each account sees in them. */

/** `targetedLabel` marks notices sent to one house: "Your home" for its owner, "One home" for staff. */
/** `limit` notices per page; `paginate: false` shows only the first page (a home page's latest few). */
export function NoticeboardView({
  targetedLabel,
  limit = 10,
  paginate = true,
}: {
  targetedLabel: string;
  limit?: number;
  paginate?: boolean;
}) {
  const trpc = useTRPC();
  const track = useTrack();
  const notices = useInfiniteQuery(
    trpc.noticeboard.list.infiniteQueryOptions({ limit }, { getNextPageParam: (page) => page.nextCursor }),
  );
  if (notices.isPending) return <Loading what="notices" />;
  if (notices.isError) return <ErrorState error={notices.error} retry={() => void notices.refetch()} />;
  const items = notices.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Empty>No notices yet.</Empty>;
  return (
    <section aria-label="Notices">
      {items.map((notice) => (
        <details
          key={notice.id}
          className="oh-card oh-notice"
          onToggle={(event) => {
            if (event.currentTarget.open) track('notice.opened', { noticeId: notice.id });
          }}
        >
          <summary>{notice.title}</summary>
          <p className="oh-meta">
            {formatDate(notice.createdAt)}
            {notice.houseId ? (
              <>
                {' · '}
                <span className="oh-badge">{targetedLabel}</span>
              </>
            ) : null}
          </p>
          <p>{notice.body}</p>
        </details>
      ))}
      {paginate && notices.hasNextPage ? (
        <button
          type="button"
          disabled={notices.isFetchingNextPage}
          onClick={() => void notices.fetchNextPage()}
        >
          {notices.isFetchingNextPage ? 'Loading…' : 'Older notices'}
        </button>
      ) : null}
    </section>
  );
}

export function DocumentsView() {
  const trpc = useTRPC();
  const documents = useInfiniteQuery(
    trpc.documents.list.infiniteQueryOptions({ limit: 20 }, { getNextPageParam: (page) => page.nextCursor }),
  );
  if (documents.isPending) return <Loading what="documents" />;
  if (documents.isError) return <ErrorState error={documents.error} retry={() => void documents.refetch()} />;
  const items = documents.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Empty>No documents have been published yet.</Empty>;
  return (
    <section aria-label="Documents">
      {items.map((document) => (
        <Card
          key={document.id}
          title={<a href={`/documents/${document.id}`}>{document.title}</a>}
          meta={
            <>
              <span className="oh-badge">{document.category}</span> {formatDate(document.createdAt)}
            </>
          }
        />
      ))}
      {documents.hasNextPage ? (
        <button type="button" onClick={() => void documents.fetchNextPage()}>
          More documents
        </button>
      ) : null}
    </section>
  );
}

export function DocumentView({ id }: { id: string }) {
  const trpc = useTRPC();
  const document = useQuery(trpc.documents.get.queryOptions({ id }));
  if (document.isPending) return <Loading what="the document" />;
  if (document.isError) return <ErrorState error={document.error} />;
  return (
    <article>
      <p>
        <a href="/documents">← All documents</a>
      </p>
      <h2>{document.data.title}</h2>
      <p className="oh-meta">
        <span className="oh-badge">{document.data.category}</span> Published{' '}
        {formatDate(document.data.createdAt)}
      </p>
      {document.data.passages.map((passage) => (
        <section key={passage.id} id={`passage-${passage.id}`} className="oh-passage">
          {passage.heading ? <h3>{passage.heading}</h3> : null}
          {passage.heading !== passage.content ? <p>{passage.content}</p> : null}
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
