import type { Metadata } from 'next';
import { Suspense } from 'react';

import { Shell } from '../shell';
import { InboxView } from './inbox';

export const metadata: Metadata = { title: 'Support inbox' };

export default function InboxPage() {
  return (
    <Shell>
      <h2>Support inbox</h2>
      <Suspense>
        <InboxView />
      </Suspense>
    </Shell>
  );
}
