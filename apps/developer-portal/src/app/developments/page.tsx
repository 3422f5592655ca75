import type { Metadata } from 'next';
import { Suspense } from 'react';

import { Shell } from '../shell';
import { HomesView } from './homes';

export const metadata: Metadata = { title: 'Homes' };

export default function DevelopmentsPage() {
  return (
    <Shell>
      <h2>Developments and homes</h2>
      <p className="oh-meta">
        Issue an invite code to a home; the homeowner claims the home with it when they sign up.
      </p>
      <Suspense>
        <HomesView />
      </Suspense>
    </Shell>
  );
}
