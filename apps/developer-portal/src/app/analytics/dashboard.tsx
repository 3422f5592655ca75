'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { BarList, Empty, ErrorState, Loading, TimeSeriesChart } from '@openhouse/ui';
import { useTRPC, type RouterOutputs } from '@openhouse/ui/trpc';

import { DevelopmentFilter } from '../development-filter';

const RANGES = [7, 30, 90];

function Tile({ value, label }: { value: number | string; label: string }) {
  return (
    <div className="oh-tile">
      <strong>{value}</strong>
      <span>{label}</span>
    </div>
  );
}

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`);

export function AnalyticsDashboard() {
  const trpc = useTRPC();
  const [days, setDays] = useState(30);
  const [developmentId, setDevelopmentId] = useState('');
  const summary = useQuery(
    trpc.analytics.summary.queryOptions({ days, ...(developmentId ? { developmentId } : {}) }),
  );

  return (
    <>
      <div className="oh-form oh-inline-form">
        <DevelopmentFilter value={developmentId} onChange={setDevelopmentId} />
        <label>
          Period
          <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {RANGES.map((range) => (
              <option key={range} value={range}>
                Last {range} days
              </option>
            ))}
          </select>
        </label>
      </div>
      {summary.isPending ? <Loading what="analytics" /> : null}
      {summary.isError ? <ErrorState error={summary.error} retry={() => void summary.refetch()} /> : null}
      {summary.data ? <Summary data={summary.data} /> : null}
    </>
  );
}

type SummaryData = RouterOutputs['analytics']['summary'];

function Summary({ data }: { data: SummaryData }) {
  const { funnel } = data;
  return (
    <>
      <div className="oh-tiles">
        <Tile value={data.activeHomeowners} label="active homeowners" />
        <Tile value={data.totals.events} label="events recorded" />
        <Tile value={`${funnel.acknowledged} / ${funnel.homeowners}`} label="homeowners fully onboarded" />
        <Tile
          value={data.topics.reduce((sum, topic) => sum + topic.questions, 0)}
          label="assistant questions"
        />
      </div>
      <div className="oh-grid-2">
        <section>
          <h3>Onboarding funnel</h3>
          <BarList
            empty="No homeowners yet."
            rows={[
              { label: 'Homeowners', value: funnel.homeowners },
              {
                label: `Claimed their home (${percent(funnel.claimed, funnel.homeowners)})`,
                value: funnel.claimed,
              },
              {
                label: `Saved their details (${percent(funnel.profiled, funnel.homeowners)})`,
                value: funnel.profiled,
              },
              {
                label: `Read the key documents (${percent(funnel.acknowledged, funnel.homeowners)})`,
                value: funnel.acknowledged,
              },
            ]}
          />
        </section>
        <section>
          <h3>Most-asked assistant topics</h3>
          <BarList
            empty="No questions asked yet."
            rows={data.topics.map((topic) => ({ label: topic.topic, value: topic.questions }))}
          />
        </section>
      </div>
      <h3>Activity per day</h3>
      {data.byDay.length === 0 ? (
        <Empty>No events in this period.</Empty>
      ) : data.byDay.length === 1 ? (
        // A line needs two days; one day is a single bar.
        <BarList empty="" rows={data.byDay.map((day) => ({ label: day.day, value: day.events }))} />
      ) : (
        <TimeSeriesChart
          series={[
            { label: 'Events', color: 'var(--oh-accent)', values: data.byDay.map((day) => day.events) },
          ]}
          summary={`Events per day from ${data.byDay[0]!.day} to ${data.byDay.at(-1)!.day}: ${data.byDay
            .map((day) => day.events)
            .join(', ')}`}
        />
      )}
      <h3>Notice reach</h3>
      <table className="oh-table">
        <thead>
          <tr>
            <th scope="col">Development</th>
            <th scope="col">Homeowners</th>
            <th scope="col">Notices (all time)</th>
            <th scope="col">Homeowners who opened one</th>
          </tr>
        </thead>
        <tbody>
          {data.noticeReach.map((row) => (
            <tr key={row.developmentId}>
              <td>{row.name}</td>
              <td>{row.homeowners}</td>
              <td>{row.notices}</td>
              <td>
                {row.readers} ({percent(row.readers, row.homeowners)})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Events by name</h3>
      <BarList
        empty="No events in this period."
        rows={data.byName.map((row) => ({ label: row.name, value: row.events }))}
      />
    </>
  );
}
