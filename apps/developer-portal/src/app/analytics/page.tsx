import type { Metadata } from 'next';
import { Suspense } from 'react';

import { Shell } from '../shell';
import { AnalyticsDashboard } from './dashboard';

export const metadata: Metadata = { title: 'Analytics' };

export default function AnalyticsPage() {
  return (
    <Shell>
      <h2>Analytics</h2>
      <Suspense>
        <AnalyticsDashboard />
      </Suspense>
    </Shell>
  );
}
