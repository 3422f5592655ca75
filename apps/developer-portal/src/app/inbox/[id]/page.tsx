import type { Metadata } from 'next';

import { ChatThreadView } from '@openhouse/ui';

import { Shell } from '../../shell';

export const metadata: Metadata = { title: 'Conversation' };

export default async function InboxThreadPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Shell>
      <ChatThreadView viewer="staff" threadId={id} backHref="/inbox" />
    </Shell>
  );
}
