import type { Metadata } from 'next';

import { Shell } from '../shell';
import { PoolDashboard } from './pool-dashboard';

export const metadata: Metadata = { title: 'Operations' };

export default function OperationsPage() {
  return (
    <Shell>
      <h2>Operations: database pool</h2>
      <p className="oh-meta">
        This server’s connection pool, sampled every two seconds. The chart keeps the last 30 minutes in this
        browser, across reloads. Errors listed are those of your company’s requests and of the pool itself.
      </p>
      <PoolDashboard />
    </Shell>
  );
}
