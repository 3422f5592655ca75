import type { Metadata } from 'next';

import { DocumentView } from '@openhouse/ui';

import { DocumentActions } from '../../forms';
import { Shell } from '../../shell';

export const metadata: Metadata = { title: 'Document' };

export default async function DocumentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Shell>
      <DocumentView id={id} viewer="staff" />
      <DocumentActions id={id} />
    </Shell>
  );
}
