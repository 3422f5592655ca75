import { DocumentView } from '@openhouse/ui';

import { Shell } from '../../shell';

export default async function DocumentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Shell>
      <DocumentView id={id} />
    </Shell>
  );
}
