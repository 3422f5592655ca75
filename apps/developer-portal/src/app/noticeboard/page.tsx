import type { Metadata } from 'next';
import { Suspense } from 'react';

import { NoticeboardView } from '@openhouse/ui';

import { PostNoticeForm } from '../forms';
import { Shell } from '../shell';

export const metadata: Metadata = { title: 'Noticeboard' };

export default function NoticeboardPage() {
  return (
    <Shell>
      <h2>Noticeboard</h2>
      <Suspense>
        <PostNoticeForm />
        <h3>Posted notices</h3>
        <NoticeboardView viewer="staff" />
      </Suspense>
    </Shell>
  );
}
