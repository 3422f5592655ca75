import type { Metadata } from 'next';
import { Suspense } from 'react';

import { NoticeboardView } from '@openhouse/ui';

import { Shell } from '../shell';

export const metadata: Metadata = { title: 'Noticeboard' };

export default function NoticeboardPage() {
  return (
    <Shell>
      <h2>Noticeboard</h2>
      <Suspense>
        <NoticeboardView viewer="homeowner" />
      </Suspense>
    </Shell>
  );
}
