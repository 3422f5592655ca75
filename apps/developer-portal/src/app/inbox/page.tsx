import { Shell } from '../shell';
import { InboxView } from './inbox';

export default function InboxPage() {
  return (
    <Shell>
      <h2>Support inbox</h2>
      <InboxView />
    </Shell>
  );
}
