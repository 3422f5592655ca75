'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';

import {
  BarList,
  categoryLabel,
  DateText,
  Empty,
  FilterField,
  ErrorState,
  eventLabel,
  formatDate,
  formatNumber,
  Loading,
  TimeChart,
  useDevelopmentFilter,
  useUrlState,
} from '@openhouse/ui';
import { useTRPC, type RouterOutputs } from '@openhouse/ui/trpc';

const RANGES = [7, 30, 90, 365];
const DAY = 86_400;

function Tile({ value, label }: { value: string; label: string }) {
  return (
    <div className="oh-tile">
      <strong>{value}</strong>
      <span>{label}</span>
    </div>
  );
}

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`);

/** Staff analytics; the period and the development are in the URL (a reload or a shared link keeps them). */
export function AnalyticsDashboard() {
  const trpc = useTRPC();
  const url = useUrlState();
  const developmentFilter = useDevelopmentFilter();
  const days = RANGES.includes(Number(url.get('days'))) ? Number(url.get('days')) : 30;
  const developmentId = url.get('development') || undefined;
  const scope = { days, ...(developmentId ? { developmentId } : {}) };
  const summary = useQuery(trpc.analytics.summary.queryOptions(scope));
  const unanswered = useQuery(trpc.assistant.unanswered.queryOptions({ ...scope, limit: 20 }));

  return (
    <>
      <form className="oh-toolbar" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        {developmentFilter ? (
          <FilterField
            select={developmentFilter}
            value={url.get('development')}
            onChange={(development) => url.set({ development })}
          />
        ) : null}
        <FilterField
          select={{
            name: 'days',
            label: 'Period',
            options: RANGES.map((range) => ({
              value: String(range),
              label: range === 365 ? 'Last 12 months' : `Last ${range} days`,
            })),
          }}
          value={String(days)}
          onChange={(value) => url.set({ days: value })}
        />
      </form>
      {summary.isPending ? <Loading what="analytics" /> : null}
      {summary.isError ? <ErrorState error={summary.error} retry={() => void summary.refetch()} /> : null}
      {summary.data ? <Summary data={summary.data} /> : null}
      <section aria-labelledby="oh-unanswered">
        <h3 id="oh-unanswered">Questions the assistant could not answer</h3>
        <p className="oh-meta">
          What homeowners asked that no published document answers: candidates for a new document or notice.
        </p>
        {unanswered.isPending ? <Loading what="questions" /> : null}
        {unanswered.isError ? (
          <ErrorState error={unanswered.error} retry={() => void unanswered.refetch()} />
        ) : null}
        {unanswered.data?.length === 0 ? <Empty>None in this period.</Empty> : null}
        {unanswered.data && unanswered.data.length > 0 ? (
          <table className="oh-table">
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col">Development</th>
                <th scope="col">Asked</th>
              </tr>
            </thead>
            <tbody>
              {unanswered.data.map((row) => (
                <tr key={row.id}>
                  <td data-label="Question">“{row.question}”</td>
                  <td data-label="Development">{row.developmentName}</td>
                  <td data-label="Asked">
                    <DateText value={row.createdAt} withTime />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <p>
          <Link href="/documents">Publish a document →</Link>
        </p>
      </section>
    </>
  );
}

type SummaryData = RouterOutputs['analytics']['summary'];

/** One point per day of the period (days without events are zero, not missing). */
function dailySeries(data: SummaryData) {
  const byDay = new Map(data.byDay.map((row) => [row.day, row.events]));
  const today = new Date();
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) / 1000;
  const times: number[] = [];
  const values: number[] = [];
  for (let t = end - (data.days - 1) * DAY; t <= end; t += DAY) {
    times.push(t);
    values.push(byDay.get(new Date(t * 1000).toISOString().slice(0, 10)) ?? 0);
  }
  return { times, values };
}

function Summary({ data }: { data: SummaryData }) {
  const { funnel } = data;
  const answeredTopics = data.topics.filter((topic) => topic.topic !== 'unanswered');
  const unansweredCount = data.topics.find((topic) => topic.topic === 'unanswered')?.questions ?? 0;
  const questions = data.topics.reduce((sum, topic) => sum + topic.questions, 0);
  const { times, values } = dailySeries(data);
  const busiest = data.byDay.reduce<{ day: string; events: number } | null>(
    (best, row) => (!best || row.events > best.events ? row : best),
    null,
  );
  return (
    <>
      <div className="oh-tiles">
        <Tile value={formatNumber(data.activeHomeowners)} label="active homeowners" />
        <Tile value={formatNumber(data.totals.events)} label="events recorded" />
        <Tile
          value={`${formatNumber(funnel.acknowledged)} / ${formatNumber(funnel.homeowners)}`}
          label="homeowners fully onboarded"
        />
        <Tile
          value={formatNumber(questions)}
          label={`assistant questions (${formatNumber(unansweredCount)} unanswered)`}
        />
      </div>
      <h3>Activity per day</h3>
      {data.byDay.length === 0 ? (
        <Empty>No events in this period.</Empty>
      ) : (
        <TimeChart
          times={times}
          daily
          unit=" events"
          series={[{ label: 'Events', color: '#1f6f5c', values, fill: 'rgba(31, 111, 92, 0.12)' }]}
          summary={`Events per day over the last ${data.days} days: ${formatNumber(data.totals.events)} in all${
            busiest ? `, most on ${formatDate(busiest.day)} (${formatNumber(busiest.events)})` : ''
          }.`}
        />
      )}
      <div className="oh-grid-2">
        <section>
          <h3>Onboarding funnel</h3>
          <BarList
            label="Onboarding funnel"
            empty="No homeowners yet."
            rows={[
              { label: 'Homeowners', value: funnel.homeowners },
              {
                label: 'Claimed their home',
                detail: percent(funnel.claimed, funnel.homeowners),
                value: funnel.claimed,
              },
              {
                label: 'Saved their details',
                detail: percent(funnel.profiled, funnel.homeowners),
                value: funnel.profiled,
              },
              {
                label: 'Read the key documents',
                detail: percent(funnel.acknowledged, funnel.homeowners),
                value: funnel.acknowledged,
              },
            ]}
          />
        </section>
        <section>
          <h3>Most-asked assistant topics</h3>
          <BarList
            label="Assistant questions by topic"
            empty="No answered questions in this period."
            rows={answeredTopics.map((topic) => ({
              label: categoryLabel(topic.topic),
              value: topic.questions,
            }))}
          />
        </section>
      </div>
      <h3>What people did</h3>
      <BarList
        label="Events by kind"
        empty="No events in this period."
        rows={data.byName.map((row) => ({ label: eventLabel(row.name), value: row.events }))}
      />
      <h3>Notice reach</h3>
      <table className="oh-table">
        <thead>
          <tr>
            <th scope="col">Development</th>
            <th scope="col" className="oh-num">
              Homeowners
            </th>
            <th scope="col" className="oh-num">
              Notices (all time)
            </th>
            <th scope="col" className="oh-num">
              Homeowners who opened one
            </th>
          </tr>
        </thead>
        <tbody>
          {data.noticeReach.map((row) => (
            <tr key={row.developmentId}>
              <td data-label="Development">{row.name}</td>
              <td data-label="Homeowners" className="oh-num">
                {formatNumber(row.homeowners)}
              </td>
              <td data-label="Notices (all time)" className="oh-num">
                {formatNumber(row.notices)}
              </td>
              <td data-label="Opened one" className="oh-num">
                {formatNumber(row.readers)} ({percent(row.readers, row.homeowners)})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
