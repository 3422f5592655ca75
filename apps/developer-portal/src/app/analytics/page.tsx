import { Shell } from '../shell';
import { AnalyticsDashboard } from './dashboard';

export default function AnalyticsPage() {
  return (
    <Shell>
      <h2>Analytics</h2>
      <AnalyticsDashboard />
    </Shell>
  );
}
