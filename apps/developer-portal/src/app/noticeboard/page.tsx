import { NoticeboardView } from '@openhouse/ui';

import { PostNoticeForm } from '../forms';
import { Shell } from '../shell';

export default function NoticeboardPage() {
  return (
    <Shell>
      <h2>Noticeboard</h2>
      <PostNoticeForm />
      <NoticeboardView targetedLabel="One home" />
    </Shell>
  );
}
