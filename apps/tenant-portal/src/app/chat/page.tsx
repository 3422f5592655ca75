import type { Metadata } from 'next';

import { ChatThreadList, NewThreadForm } from '@openhouse/ui';

import { Shell } from '../shell';

export const metadata: Metadata = { title: 'Support chat' };

export default function ChatPage() {
  return (
    <Shell>
      <h2>Support chat</h2>
      <NewThreadForm basePath="/chat" />
      <h3>Your conversations</h3>
      <ChatThreadList basePath="/chat" viewer="homeowner" />
    </Shell>
  );
}
