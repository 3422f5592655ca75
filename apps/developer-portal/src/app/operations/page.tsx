import { Shell } from '../shell';
import { PoolDashboard } from './pool-dashboard';

export default function OperationsPage() {
  return (
    <Shell>
      <h2>Operations: database pool</h2>
      <p className="oh-meta">This server’s connection pool, refreshed every two seconds.</p>
      <PoolDashboard />
    </Shell>
  );
}
