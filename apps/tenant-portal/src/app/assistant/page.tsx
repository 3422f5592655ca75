import type { Metadata } from 'next';

import { Shell } from '../shell';
import { AssistantView } from './assistant';

export const metadata: Metadata = { title: 'Assistant' };

export default function AssistantPage() {
  return (
    <Shell>
      <h2>Assistant</h2>
      <p className="oh-meta">
        Answers come from your development’s documents and your home’s own; each answer shows its sources.
      </p>
      <AssistantView />
    </Shell>
  );
}
