import { DocumentsView } from '@openhouse/ui';

import { PublishDocumentForm } from '../forms';
import { Shell } from '../shell';

export default function DocumentsPage() {
  return (
    <Shell>
      <h2>Documents</h2>
      <PublishDocumentForm />
      <DocumentsView />
    </Shell>
  );
}
