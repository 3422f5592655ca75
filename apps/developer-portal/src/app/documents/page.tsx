import type { Metadata } from 'next';
import { Suspense } from 'react';

import { DocumentsView } from '@openhouse/ui';

import { PublishDocumentForm } from '../forms';
import { Shell } from '../shell';

export const metadata: Metadata = { title: 'Documents' };

export default function DocumentsPage() {
  return (
    <Shell>
      <h2>Documents</h2>
      <Suspense>
        <PublishDocumentForm />
        <h3>Documents</h3>
        <DocumentsView viewer="staff" />
      </Suspense>
    </Shell>
  );
}
