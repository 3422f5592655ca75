'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';

import { ONBOARDING_STEPS } from '@openhouse/api/limits';
import { Card, DateText, ErrorState, Loading, NoticeboardView } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

function OnboardingCard() {
  const trpc = useTRPC();
  const status = useQuery(trpc.onboarding.status.queryOptions());
  if (status.isPending) return <Loading what="your setup" />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  if (status.data.done) return null;
  return (
    <Card
      title="Finish setting up your home"
      meta={`${status.data.completedSteps.length} of ${ONBOARDING_STEPS.length} steps done`}
    >
      <p>
        Claim your home with the invite code from your developer, tell us how to reach you, and read the key
        documents.
      </p>
      <Link className="oh-button" href="/onboarding">
        Continue setup
      </Link>
    </Card>
  );
}

/** Replies from the support team the homeowner has not read yet, flagged at the top of home. */
function SupportReplies() {
  const trpc = useTRPC();
  const threads = useQuery(trpc.chat.threads.queryOptions({ limit: 20 }, { refetchInterval: 30_000 }));
  const unread = threads.data?.items.filter((thread) => thread.unread > 0) ?? [];
  if (unread.length === 0) return null;
  return (
    <section className="oh-card oh-unread" aria-labelledby="oh-replies">
      <h3 id="oh-replies">
        The support team has replied
        <span className="oh-badge oh-badge-new">{unread.reduce((sum, t) => sum + t.unread, 0)} new</span>
      </h3>
      <ul className="oh-list">
        {unread.map((thread) => (
          <li key={thread.id}>
            <Link href={`/chat/${thread.id}`}>{thread.subject}</Link>{' '}
            <span className="oh-meta">
              · <DateText value={thread.lastMessageAt} withTime />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function HomeView() {
  return (
    <>
      <h2>Welcome home</h2>
      <SupportReplies />
      <OnboardingCard />
      <div className="oh-grid-2">
        <Card title={<Link href="/assistant">Ask the assistant</Link>}>
          <p>Answers from your home’s documents, with the sources.</p>
        </Card>
        <Card title={<Link href="/chat">Talk to the support team</Link>}>
          <p>Report a snag or ask a question.</p>
        </Card>
      </div>
      <h3>Latest notices</h3>
      <NoticeboardView viewer="homeowner" latest={3} />
      <p>
        <Link href="/noticeboard">All notices →</Link>
      </p>
    </>
  );
}
