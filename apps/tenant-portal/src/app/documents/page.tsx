import { DocumentsView } from '@openhouse/ui';

import { Shell } from '../shell';

export default function DocumentsPage() {
  return (
    <Shell>
      <h2>Documents for your home</h2>
      <DocumentsView />
    </Shell>
  );
}
