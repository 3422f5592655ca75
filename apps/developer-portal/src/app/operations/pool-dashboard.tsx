'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';

import { BarList, ErrorState, formatNumber, Loading, TimeChart } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

const REFRESH_MS = 2_000;
/** Samples older than this are dropped, in memory and in storage. */
const KEEP_MS = 30 * 60_000;
const STORAGE_KEY = 'openhouse.operations.pool-history.v1';

const KIND_COLORS: Record<string, string> = {
  pool_timeout: '#a35f00',
  pool_exhausted: '#a4332b',
  connect_failed: '#7b3fa0',
  too_many_connections: '#b0456e',
  idle_client_error: '#4a5a64',
  connection_terminated: '#3b5ba5',
  statement_timeout: '#1f5f78',
  idle_in_transaction_timeout: '#2f6f62',
  client_misuse: '#7a5200',
  db_error: '#333333',
};

const KIND_LABELS: Record<string, string> = {
  pool_timeout: 'Waited too long for a connection',
  pool_exhausted: 'Pool exhausted',
  connect_failed: 'Could not connect',
  too_many_connections: 'Database refused: too many connections',
  idle_client_error: 'Idle connection failed',
  connection_terminated: 'Connection terminated',
  statement_timeout: 'Query timed out',
  idle_in_transaction_timeout: 'Transaction held too long',
  client_misuse: 'Connection misused',
  db_error: 'Other database error',
};

interface Sample {
  /** Milliseconds since the epoch. */
  at: number;
  inUse: number;
  idle: number;
  waiting: number;
  max: number;
}

function loadHistory(): Sample[] {
  try {
    const stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]') as Sample[];
    const since = Date.now() - KEEP_MS;
    return Array.isArray(stored) ? stored.filter((s) => typeof s?.at === 'number' && s.at >= since) : [];
  } catch {
    return [];
  }
}

function saveHistory(samples: Sample[]) {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(samples));
  } catch {
    // Storage full or blocked: the history lasts for this page only.
  }
}

/** "45 s", "12 min", "30 min" */
function span(ms: number) {
  const seconds = Math.round(ms / 1000);
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * The chart's data: a gap (nulls) wherever samples are missing for longer than a few refreshes,
 * e.g. while the page was closed, so that no line is drawn across time nobody measured.
 */
function chartData(history: Sample[]) {
  const times: number[] = [];
  const inUse: (number | null)[] = [];
  const idle: (number | null)[] = [];
  const waiting: (number | null)[] = [];
  const max: (number | null)[] = [];
  history.forEach((sample, i) => {
    const previous = history[i - 1];
    if (previous && sample.at - previous.at > 3 * REFRESH_MS) {
      times.push((previous.at + REFRESH_MS) / 1000);
      for (const column of [inUse, idle, waiting, max]) column.push(null);
    }
    times.push(sample.at / 1000);
    inUse.push(sample.inUse);
    idle.push(sample.idle);
    waiting.push(sample.waiting);
    max.push(sample.max);
  });
  return { times, inUse, idle, waiting, max };
}

/** The serving process's pool, live: refreshes itself every two seconds; its history survives reloads. */
export function PoolDashboard() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.operations.pool.queryOptions(), refetchInterval: REFRESH_MS });
  const [history, setHistory] = useState<Sample[]>([]);

  useEffect(() => setHistory(loadHistory()), []);
  useEffect(() => {
    if (!status.data) return;
    const { total, idle, waiting, max } = status.data.pool;
    const at = new Date(status.data.at).getTime();
    setHistory((previous) => {
      if (previous.at(-1)?.at === at) return previous;
      const next = [...previous, { at, inUse: total - idle, idle, waiting, max }].filter(
        (sample) => sample.at >= at - KEEP_MS,
      );
      saveHistory(next);
      return next;
    });
  }, [status.data]);
  const data = useMemo(() => chartData(history), [history]);

  if (status.isPending) return <Loading what="the pool" />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  const { pool, tenant, failures, recent } = status.data;
  const byKind = new Map<string, number>();
  for (const row of failures) byKind.set(row.kind, (byKind.get(row.kind) ?? 0) + row.count);
  const byRoute = [...failures].sort((a, b) => b.count - a.count);
  const covered = history.length > 1 ? history.at(-1)!.at - history[0]!.at : 0;

  return (
    <>
      <div className="oh-tiles">
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
          <span>waiting for a connection</span>
        </div>
        <div className="oh-tile">
          <strong>
            {pool.min}–{pool.max}
          </strong>
          <span>pool size (min–max)</span>
        </div>
      </div>
      <p>
        Your company right now: <strong>{tenant.inUse}</strong> of at most {pool.tenantMax} connections in
        use, <strong>{tenant.waiting}</strong> requests waiting. Since this server started,{' '}
        <strong>{tenant.shed}</strong> were turned away with the queue full and{' '}
        <strong>{tenant.waitTimeouts}</strong> waited too long. Other companies share the pool; each gets its
        fair share of it.
      </p>

      <h3>Connections {covered > 0 ? `over the last ${span(covered)}` : 'from now on'}</h3>
      <TimeChart
        times={data.times}
        height={240}
        minMax={pool.max + 1}
        summary={`Right now ${pool.total - pool.idle} connections are in use, ${pool.idle} idle and ${pool.waiting} requests waiting, of at most ${pool.max}. The chart covers ${covered > 0 ? span(covered) : 'no time yet'}.`}
        series={[
          {
            label: 'In use',
            color: '#1f6f5c',
            values: data.inUse,
            width: 3,
            fill: 'rgba(31, 111, 92, 0.10)',
          },
          { label: 'Idle', color: '#3b7fc4', values: data.idle, width: 2 },
          { label: 'Waiting', color: '#b3261e', values: data.waiting, width: 2, dash: [6, 3] },
          { label: 'Pool maximum', color: '#4a5a64', values: data.max, width: 1.5, dash: [2, 4] },
        ]}
      />

      <div className="oh-grid-2">
        <section>
          <h3>Pool errors by kind</h3>
          <BarList
            label="Pool errors by kind"
            empty="No pool errors since this server started."
            rows={[...byKind].map(([kind, value]) => ({
              label: KIND_LABELS[kind] ?? kind,
              value,
              color: KIND_COLORS[kind],
            }))}
          />
        </section>
        <section>
          <h3>By route</h3>
          <BarList
            label="Pool errors by route"
            empty="No pool errors since this server started."
            rows={byRoute.map((row) => ({
              label: row.route,
              detail: KIND_LABELS[row.kind] ?? row.kind,
              value: row.count,
              color: KIND_COLORS[row.kind],
            }))}
          />
        </section>
      </div>

      <h3>Most recent errors</h3>
      {recent.length === 0 ? (
        <p className="oh-state">None since this server started.</p>
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
                <td data-label="When">{new Date(row.at).toLocaleTimeString('en-GB')}</td>
                <td data-label="Kind">{KIND_LABELS[row.kind] ?? row.kind}</td>
                <td data-label="Route">{row.route}</td>
                <td data-label="SQLSTATE">{row.sqlState ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="oh-meta">
        Failures counted since this server started: {formatNumber(failures.reduce((s, r) => s + r.count, 0))}.
      </p>
    </>
  );
}
