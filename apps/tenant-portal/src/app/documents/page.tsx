import type { Metadata } from 'next';
import { Suspense } from 'react';

import { DocumentsView } from '@openhouse/ui';

import { Shell } from '../shell';

export const metadata: Metadata = { title: 'Documents' };

export default function DocumentsPage() {
  return (
    <Shell>
      <h2>Documents for your home</h2>
      <Suspense>
        <DocumentsView viewer="homeowner" />
      </Suspense>
    </Shell>
  );
}
