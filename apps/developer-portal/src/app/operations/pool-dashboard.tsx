'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { BarList, ErrorState, Loading, TimeSeriesChart } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

const REFRESH_MS = 2_000;
const HISTORY = 150; // five minutes of samples

const KIND_COLORS: Record<string, string> = {
  pool_timeout: '#c77d00',
  pool_exhausted: '#a4332b',
  connect_failed: '#7b3fa0',
  too_many_connections: '#b0456e',
  idle_client_error: '#5b6b76',
  connection_terminated: '#3b5ba5',
  statement_timeout: '#1f6f8b',
  idle_in_transaction_timeout: '#2f7f6f',
  client_misuse: '#8a5a00',
  db_error: '#444',
};

interface Sample {
  inUse: number;
  idle: number;
  waiting: number;
}

/** The serving process's pool, live: refreshes itself every two seconds. */
export function PoolDashboard() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.operations.pool.queryOptions(), refetchInterval: REFRESH_MS });
  const [history, setHistory] = useState<Sample[]>([]);

  useEffect(() => {
    if (!status.data) return;
    const { total, idle, waiting } = status.data.pool;
    setHistory((previous) => [...previous, { inUse: total - idle, idle, waiting }].slice(-HISTORY));
  }, [status.data]);

  if (status.isPending) return <Loading what="the pool" />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  const { pool, failures, recent } = status.data;
  const byKind = new Map<string, number>();
  for (const row of failures) byKind.set(row.kind, (byKind.get(row.kind) ?? 0) + row.count);
  const byRoute = [...failures].sort((a, b) => b.count - a.count);

  return (
    <>
      <div className="oh-tiles" aria-live="polite">
        <div className="oh-tile">
          <strong>{pool.total - pool.idle}</strong>
          <span>in use</span>
        </div>
        <div className="oh-tile">
          <strong>{pool.idle}</strong>
          <span>idle</span>
        </div>
        <div className="oh-tile">
          <strong>{pool.waiting}</strong>
          <span>waiting</span>
        </div>
        <div className="oh-tile">
          <strong>
            {pool.min}–{pool.max}
          </strong>
          <span>pool size (min–max)</span>
        </div>
      </div>

      <h3>Connections over the last {Math.round((history.length * REFRESH_MS) / 1000)} s</h3>
      <TimeSeriesChart
        ceiling={pool.max}
        ceilingLabel={`max ${pool.max}`}
        summary={`In use ${pool.total - pool.idle}, idle ${pool.idle}, waiting ${pool.waiting}, of at most ${pool.max}`}
        series={[
          { label: 'in use', color: '#1f6f5c', values: history.map((s) => s.inUse) },
          { label: 'idle', color: '#8cc7b6', values: history.map((s) => s.idle) },
          { label: 'waiting', color: '#c77d00', values: history.map((s) => s.waiting) },
        ]}
      />

      <div className="oh-grid-2">
        <section>
          <h3>Pool errors by kind</h3>
          <BarList
            empty="No pool errors since this server started."
            rows={[...byKind].map(([kind, value]) => ({ label: kind, value, color: KIND_COLORS[kind] }))}
          />
        </section>
        <section>
          <h3>By route</h3>
          <BarList
            empty="No pool errors since this server started."
            rows={byRoute.map((row) => ({
              label: `${row.route} · ${row.kind}`,
              value: row.count,
              color: KIND_COLORS[row.kind],
            }))}
          />
        </section>
      </div>

      <h3>Most recent</h3>
      {recent.length === 0 ? (
        <p className="oh-state">Nothing yet.</p>
      ) : (
        <table className="oh-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Kind</th>
              <th scope="col">Route</th>
              <th scope="col">SQLSTATE</th>
            </tr>
          </thead>
          <tbody>
            {recent.slice(0, 15).map((row, i) => (
              <tr key={`${row.at}-${i}`}>
                <td>{new Date(row.at).toLocaleTimeString('en-GB')}</td>
                <td>{row.kind}</td>
                <td>{row.route}</td>
                <td>{row.sqlState ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
