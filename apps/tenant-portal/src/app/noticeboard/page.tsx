import { NoticeboardView } from '@openhouse/ui';

import { Shell } from '../shell';

export default function NoticeboardPage() {
  return (
    <Shell>
      <h2>Noticeboard</h2>
      <NoticeboardView targetedLabel="Your home" />
    </Shell>
  );
}
