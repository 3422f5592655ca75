'use client';

import Link from 'next/link';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';

import { MAX_MESSAGE_CHARS } from '@openhouse/api/limits';

import { DateText, Empty, ErrorState, Loading } from './components';
import type { ErrorCopy } from './errors';
import { Field, FormProblem, useFocusOnError, useHumanError } from './forms';
import { CONTACT_CHANNELS } from './labels';
import { useTRPC, type RouterOutputs } from './trpc';

/** Support chat, shared by both portals: RLS decides whose threads each account sees. */

export { MAX_MESSAGE_CHARS };

type ThreadLine = RouterOutputs['chat']['threads']['items'][number];
type Viewer = 'homeowner' | 'staff';

function homeLine(home: ThreadLine['home']) {
  return home ? `Plot ${home.plotNumber}, ${home.address}` : null;
}

/** How the homeowner wants to be reached, with the number when it is a phone. */
export function ContactPreference({ homeowner }: { homeowner: NonNullable<ThreadLine['homeowner']> }) {
  const channel = CONTACT_CHANNELS[homeowner.contactChannel] ?? homeowner.contactChannel;
  if (homeowner.contactChannel === 'email') {
    return (
      <>
        Prefers email: <a href={`mailto:${homeowner.email}`}>{homeowner.email}</a>
      </>
    );
  }
  return (
    <>
      Prefers {channel.toLowerCase()}
      {homeowner.contactPhone ? (
        <>
          : <a href={`tel:${homeowner.contactPhone.replace(/[^\d+]/g, '')}`}>{homeowner.contactPhone}</a>
        </>
      ) : null}
    </>
  );
}

/**
 * The inbox: threads by latest message with unread counts; staff see who each is with (name,
 * plot, address, how they like to be contacted) and the last message. `basePath` is where a
 * thread opens.
 */
export function ChatThreadList({
  basePath,
  developmentId,
  viewer,
}: {
  basePath: string;
  developmentId?: string;
  viewer: Viewer;
}) {
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
      <ul className="oh-list">
        {items.map((thread) => (
          <li key={thread.id}>
            <article className={thread.unread > 0 ? 'oh-card oh-thread oh-unread' : 'oh-card oh-thread'}>
              <h3>
                <Link href={`${basePath}/${thread.id}`}>{thread.subject}</Link>
                {thread.unread > 0 ? (
                  <span className="oh-badge oh-badge-new">{thread.unread} unread</span>
                ) : null}
              </h3>
              {viewer === 'staff' && thread.homeowner ? (
                <p className="oh-meta">
                  <strong>{thread.homeowner.name}</strong>
                  {thread.home ? ` · ${homeLine(thread.home)}` : ''} ·{' '}
                  <ContactPreference homeowner={thread.homeowner} />
                </p>
              ) : null}
              {thread.lastMessage ? (
                <p className="oh-preview">
                  <span className="oh-meta">
                    {thread.lastMessage.fromStaff
                      ? 'Support team: '
                      : viewer === 'staff'
                        ? `${thread.homeowner?.name ?? 'Homeowner'}: `
                        : 'You: '}
                  </span>
                  {thread.lastMessage.body}
                </p>
              ) : null}
              <p className="oh-meta">
                Last message <DateText value={thread.lastMessageAt} withTime />
              </p>
            </article>
          </li>
        ))}
      </ul>
      {threads.hasNextPage ? (
        <button
          type="button"
          className="oh-secondary"
          disabled={threads.isFetchingNextPage}
          onClick={() => void threads.fetchNextPage()}
        >
          {threads.isFetchingNextPage ? 'Loading…' : 'Older conversations'}
        </button>
      ) : null}
    </section>
  );
}

const MESSAGE_COPY: ErrorCopy = {
  fields: {
    subject: 'Give your message a subject (up to 200 characters).',
    body: `Write a message of up to ${MAX_MESSAGE_CHARS.toLocaleString('en-GB')} characters.`,
  },
  notFound: { threadId: 'This conversation no longer exists.' },
};

/** A homeowner starts a conversation with the support team. */
export function NewThreadForm({ basePath }: { basePath: string }) {
  const trpc = useTRPC();
  const form = useRef<HTMLFormElement>(null);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const send = useMutation(
    trpc.chat.send.mutationOptions({
      onSuccess: ({ threadId }) => window.location.assign(`${basePath}/${threadId}`),
    }),
  );
  const error = useHumanError(send.error, MESSAGE_COPY);
  useFocusOnError(form, error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send.mutate({ subject, body });
  };
  return (
    <form ref={form} className="oh-form" onSubmit={submit} aria-labelledby="oh-new-thread">
      <h3 id="oh-new-thread">Ask the support team</h3>
      <Field label="Subject" error={error?.fields.subject}>
        <input
          name="subject"
          required
          maxLength={200}
          value={subject}
          onChange={(event) => setSubject(event.target.value)}
        />
      </Field>
      <Field label="Message" error={error?.fields.body}>
        <textarea
          name="body"
          required
          maxLength={MAX_MESSAGE_CHARS}
          rows={4}
          value={body}
          onChange={(event) => setBody(event.target.value)}
        />
      </Field>
      <FormProblem error={error} shown={['subject', 'body']} />
      <div className="oh-actions">
        <button type="submit" disabled={send.isPending}>
          {send.isPending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}

/**
 * One conversation, newest message last, with a reply box. Opening it (and any new message
 * arriving while it is open) marks it read for the viewer; `viewer` decides who is "You".
 */
export function ChatThreadView({
  threadId,
  backHref,
  viewer,
}: {
  threadId: string;
  backHref: string;
  viewer: Viewer;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState('');
  const history = useInfiniteQuery(
    trpc.chat.history.infiniteQueryOptions(
      { threadId, limit: 30 },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 10_000 },
    ),
  );
  const markRead = useMutation(
    trpc.chat.markRead.mutationOptions({
      retry: false,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.chat.threads.pathKey() }),
    }),
  );
  const send = useMutation(
    trpc.chat.send.mutationOptions({
      onSuccess: async () => {
        setDraft('');
        await queryClient.invalidateQueries({ queryKey: trpc.chat.history.pathKey() });
      },
    }),
  );
  const error = useHumanError(send.error, MESSAGE_COPY);
  useFocusOnError(form, error);

  // Read up to the newest message shown: on opening, and whenever a newer one arrives.
  const newest = history.data?.pages[0]?.items[0]?.id;
  const { mutate: markThreadRead } = markRead;
  useEffect(() => {
    if (newest) markThreadRead({ threadId });
  }, [newest, threadId, markThreadRead]);

  if (history.isPending) return <Loading what="the conversation" />;
  if (history.isError) {
    return (
      <>
        <p>
          <Link href={backHref}>← All conversations</Link>
        </p>
        <ErrorState error={history.error} retry={() => void history.refetch()} />
      </>
    );
  }
  const thread = history.data.pages[0]!.thread;
  const messages = history.data.pages.flatMap((page) => page.items).reverse();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send.mutate({ threadId, body: draft });
  };
  return (
    <article className="oh-thread-view">
      <p>
        <Link href={backHref}>← All conversations</Link>
      </p>
      <h2>{thread.subject}</h2>
      {viewer === 'staff' && thread.homeowner ? (
        <dl className="oh-details" aria-label="Homeowner">
          <div>
            <dt>Homeowner</dt>
            <dd>{thread.homeowner.name}</dd>
          </div>
          {thread.home ? (
            <div>
              <dt>Home</dt>
              <dd>
                {homeLine(thread.home)} ({thread.home.developmentName})
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Contact</dt>
            <dd>
              <ContactPreference homeowner={thread.homeowner} />
            </dd>
          </div>
          <div>
            <dt>Opened</dt>
            <dd>
              <DateText value={thread.createdAt} withTime />
            </dd>
          </div>
        </dl>
      ) : null}
      {history.hasNextPage ? (
        <button type="button" className="oh-secondary" onClick={() => void history.fetchNextPage()}>
          Earlier messages
        </button>
      ) : null}
      <ol className="oh-messages" aria-label="Messages">
        {messages.map((message) => (
          <li key={message.id} className={message.fromStaff ? 'oh-message oh-from-staff' : 'oh-message'}>
            <p className="oh-meta">
              {message.fromStaff
                ? 'Support team'
                : viewer === 'homeowner'
                  ? 'You'
                  : (thread.homeowner?.name ?? 'Homeowner')}{' '}
              · <DateText value={message.createdAt} withTime />
            </p>
            <p className="oh-prose">{message.body}</p>
          </li>
        ))}
      </ol>
      <form ref={form} className="oh-form" onSubmit={submit} aria-label="Reply">
        <Field label="Your reply" error={error?.fields.body}>
          <textarea
            name="body"
            required
            maxLength={MAX_MESSAGE_CHARS}
            rows={3}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        </Field>
        <FormProblem error={error} shown={['body']} />
        <div className="oh-actions">
          <button type="submit" disabled={send.isPending}>
            {send.isPending ? 'Sending…' : 'Send reply'}
          </button>
        </div>
      </form>
    </article>
  );
}
