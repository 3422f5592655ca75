import { ChatThreadList } from '@openhouse/ui';

import { Shell } from '../shell';

export default function InboxPage() {
  return (
    <Shell>
      <h2>Support inbox</h2>
      <ChatThreadList basePath="/inbox" />
    </Shell>
  );
}
