'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';

import { Card, Empty, ErrorState, formatDate, Loading } from './components';
import { useTRPC } from './trpc';

/** Support chat, shared by both portals: RLS decides whose threads each account sees. */

export const MAX_MESSAGE_CHARS = 4_000;

/** The inbox: threads by latest message with unread counts; `basePath` is where a thread opens. */
export function ChatThreadList({ basePath, developmentId }: { basePath: string; developmentId?: string }) {
  const trpc = useTRPC();
  const threads = useInfiniteQuery(
    trpc.chat.threads.infiniteQueryOptions(
      { limit: 20, ...(developmentId ? { developmentId } : {}) },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 10_000 },
    ),
  );
  if (threads.isPending) return <Loading what="conversations" />;
  if (threads.isError) return <ErrorState error={threads.error} retry={() => void threads.refetch()} />;
  const items = threads.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Empty>No conversations yet.</Empty>;
  return (
    <section aria-label="Conversations">
      {items.map((thread) => (
        <Card
          key={thread.id}
          title={<a href={`${basePath}/${thread.id}`}>{thread.subject}</a>}
          meta={
            <>
              Last message {formatDate(thread.lastMessageAt)}
              {thread.unread > 0 ? (
                <>
                  {' · '}
                  <span className="oh-badge">{thread.unread} unread</span>
                </>
              ) : null}
            </>
          }
        />
      ))}
      {threads.hasNextPage ? (
        <button type="button" onClick={() => void threads.fetchNextPage()}>
          Older conversations
        </button>
      ) : null}
    </section>
  );
}

function MessageField({ label }: { label: string }) {
  return (
    <label>
      {label}
      <textarea name="body" required maxLength={MAX_MESSAGE_CHARS} rows={3} />
    </label>
  );
}

/** A homeowner starts a conversation with the support team. */
export function NewThreadForm({ basePath }: { basePath: string }) {
  const trpc = useTRPC();
  const send = useMutation(
    trpc.chat.send.mutationOptions({
      onSuccess: ({ threadId }) => window.location.assign(`${basePath}/${threadId}`),
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    send.mutate({ subject: String(form.get('subject') ?? ''), body: String(form.get('body') ?? '') });
  };
  return (
    <form className="oh-form" onSubmit={submit} aria-label="New conversation">
      <h3>Ask the support team</h3>
      <label>
        Subject
        <input name="subject" required maxLength={200} />
      </label>
      <MessageField label="Message" />
      <button type="submit" disabled={send.isPending}>
        {send.isPending ? 'Sending…' : 'Send'}
      </button>
      {send.isError ? <ErrorState error={send.error} /> : null}
    </form>
  );
}

/** One conversation, newest message last, with a reply box. `viewer` decides who is "You". */
export function ChatThreadView({
  threadId,
  backHref,
  viewer,
}: {
  threadId: string;
  backHref: string;
  viewer: 'homeowner' | 'staff';
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draftKey, setDraftKey] = useState(0);
  const history = useInfiniteQuery(
    trpc.chat.history.infiniteQueryOptions(
      { threadId, limit: 30 },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 10_000 },
    ),
  );
  const send = useMutation(
    trpc.chat.send.mutationOptions({
      onSuccess: async () => {
        setDraftKey((key) => key + 1);
        await queryClient.invalidateQueries({ queryKey: trpc.chat.history.pathKey() });
      },
    }),
  );
  if (history.isPending) return <Loading what="the conversation" />;
  if (history.isError) return <ErrorState error={history.error} retry={() => void history.refetch()} />;
  const thread = history.data.pages[0]!.thread;
  const messages = history.data.pages.flatMap((page) => page.items).reverse();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send.mutate({ threadId, body: String(new FormData(event.currentTarget).get('body') ?? '') });
  };
  return (
    <article>
      <p>
        <a href={backHref}>← All conversations</a>
      </p>
      <h2>{thread.subject}</h2>
      {history.hasNextPage ? (
        <button type="button" onClick={() => void history.fetchNextPage()}>
          Earlier messages
        </button>
      ) : null}
      <ol className="oh-messages" aria-label="Messages">
        {messages.map((message) => (
          <li key={message.id} className={message.fromStaff ? 'oh-message oh-from-staff' : 'oh-message'}>
            <p className="oh-meta">
              {message.fromStaff ? 'Support team' : viewer === 'homeowner' ? 'You' : 'Homeowner'} ·{' '}
              {formatDate(message.createdAt)}
            </p>
            <p>{message.body}</p>
          </li>
        ))}
      </ol>
      <form key={draftKey} className="oh-form" onSubmit={submit} aria-label="Reply">
        <MessageField label="Your reply" />
        <button type="submit" disabled={send.isPending}>
          {send.isPending ? 'Sending…' : 'Send reply'}
        </button>
        {send.isError ? <ErrorState error={send.error} /> : null}
      </form>
    </article>
  );
}
