'use client';

import { useQuery } from '@tanstack/react-query';

import { Card, ErrorState, Loading, NoticeboardView } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

function OnboardingCard() {
  const trpc = useTRPC();
  const status = useQuery(trpc.onboarding.status.queryOptions());
  if (status.isPending) return <Loading what="your setup" />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  if (status.data.done) return null;
  return (
    <Card title="Finish setting up your home" meta={`${status.data.completedSteps.length} of 3 steps done`}>
      <p>
        Claim your home with the invite code from your developer, tell us how to reach you, and read the key
        documents.
      </p>
      <a className="oh-button" href="/onboarding">
        Continue setup
      </a>
    </Card>
  );
}

export function HomeView() {
  return (
    <>
      <h2>Welcome home</h2>
      <OnboardingCard />
      <div className="oh-grid-2">
        <Card title={<a href="/assistant">Ask the assistant</a>}>
          <p>Answers from your home’s documents, with the sources.</p>
        </Card>
        <Card title={<a href="/chat">Talk to the support team</a>}>
          <p>Report a snag or ask a question.</p>
        </Card>
      </div>
      <h3>Latest notices</h3>
      <NoticeboardView targetedLabel="Your home" limit={3} paginate={false} />
      <p>
        <a href="/noticeboard">All notices →</a>
      </p>
    </>
  );
}
