'use client';

import 'uplot/dist/uPlot.min.css';

import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';

import { formatNumber } from './components';

/**
 * Time-series charts drawn by uPlot (a small, fast canvas charting library): a time axis in the
 * viewer's time zone, integer value ticks, a legend with each series' latest value, and a tooltip
 * with every series at the pointer. The numbers are never only in the picture: `summary` is the
 * chart's text alternative, and the legend repeats the latest values as text.
 */

export interface TimeSeries {
  label: string;
  color: string;
  /** One per timestamp; null leaves a gap (no sample then). */
  values: (number | null)[];
  /** Dashed line, e.g. a limit. */
  dash?: number[];
  /** Area under the line. */
  fill?: string;
  width?: number;
}

const SHORT_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const TIME_SECONDS = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const FULL = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;
const TIME_INCREMENTS = [
  1,
  2,
  5,
  10,
  15,
  30,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  28 * DAY,
  91 * DAY,
  182 * DAY,
  365 * DAY,
];

/** Tick labels for a time axis: dates over days, times of day over hours, seconds over minutes. */
function timeFormatter(spanSeconds: number) {
  if (spanSeconds > 2 * 86_400) return (date: Date) => SHORT_DATE.format(date);
  if (spanSeconds > 10 * 60) return (date: Date) => TIME.format(date);
  return (date: Date) => TIME_SECONDS.format(date);
}

/** The tooltip: the time and every series' value at the pointer. */
function tooltip(pointTitle: (date: Date) => string, unit: string): uPlot.Plugin {
  let tip: HTMLDivElement | null = null;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement('div');
        tip.className = 'oh-chart-tip';
        tip.setAttribute('aria-hidden', 'true');
        u.over.appendChild(tip);
      },
      setCursor: (u) => {
        if (!tip) return;
        const { idx, left, top } = u.cursor;
        if (idx === null || idx === undefined || left === undefined || left < 0) {
          tip.style.display = 'none';
          return;
        }
        const time = u.data[0][idx]!;
        tip.replaceChildren();
        const heading = document.createElement('strong');
        heading.textContent = pointTitle(new Date(time * 1000));
        tip.appendChild(heading);
        u.series.slice(1).forEach((series, i) => {
          const value = u.data[i + 1]![idx];
          const line = document.createElement('span');
          const swatch = document.createElement('i');
          swatch.style.background = String(series.stroke);
          line.append(
            swatch,
            `${series.label}: ${value === null || value === undefined ? '—' : `${formatNumber(value)}${unit}`}`,
          );
          tip!.appendChild(line);
        });
        tip.style.display = 'grid';
        // Keep the tooltip inside the plot: flip to the left half past the middle.
        const flip = left > u.over.clientWidth / 2;
        tip.style.left = flip ? '' : `${left + 12}px`;
        tip.style.right = flip ? `${u.over.clientWidth - left + 12}px` : '';
        tip.style.top = `${Math.max(0, (top ?? 0) - 10)}px`;
      },
    },
  };
}

export function TimeChart({
  times,
  series,
  summary,
  height = 220,
  unit = '',
  daily = false,
  minMax = 1,
}: {
  /** Unix seconds, ascending. */
  times: number[];
  series: TimeSeries[];
  /** The chart in words, for people who cannot see it. */
  summary: string;
  height?: number;
  /** Appended to values in the tooltip (e.g. " events"). */
  unit?: string;
  /** One point per day: the tooltip names the day, not the time. */
  daily?: boolean;
  /** The value axis reaches at least this high. */
  minMax?: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}|${s.color}|${s.dash?.join(',') ?? ''}`).join(';');

  // Build the chart when its series change; feed it new data otherwise.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !element) return;
      const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
      const format = timeFormatter(span);
      const options: uPlot.Options = {
        width: Math.max(200, element.clientWidth),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 7 } },
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(minMax, Math.ceil((max ?? 0) * 1.15))] },
        },
        axes: [
          {
            stroke: '#3f4e58',
            grid: { stroke: '#e3e9ed', width: 1 },
            ticks: { stroke: '#c9d3d9', width: 1 },
            values: (u, splits) => {
              const every = timeFormatter((u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0) || span);
              return splits.map((t) => every(new Date(t * 1000)));
            },
            // Whole seconds at least: no two ticks may print the same label.
            incrs: TIME_INCREMENTS,
            space: 70,
            font: '12px system-ui, sans-serif',
          },
          {
            stroke: '#3f4e58',
            grid: { stroke: '#e3e9ed', width: 1 },
            ticks: { stroke: '#c9d3d9', width: 1 },
            // Whole numbers only: connections and events are counted.
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000, 100_000],
            values: (_u, splits) => splits.map((v) => formatNumber(v)),
            size: 52,
            font: '12px system-ui, sans-serif',
          },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: s.width ?? 2,
            dash: s.dash,
            fill: s.fill,
            points: { show: false },
            spanGaps: false,
          })),
        ],
        plugins: [tooltip(daily ? (date) => FULL.format(date) : (date) => `${format(date)}`, unit)],
      };
      chart.current?.destroy();
      chart.current = new UPlot(
        options,
        [times, ...series.map((s) => s.values)] as uPlot.AlignedData,
        element,
      );
      observer = new ResizeObserver(() => {
        chart.current?.setSize({ width: Math.max(200, element.clientWidth), height });
      });
      observer.observe(element);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // Rebuilt only when the series themselves change; data updates go through setData below.
  }, [shape, height, daily, unit, minMax]);

  useEffect(() => {
    chart.current?.setData([times, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [times, series]);

  const latest = (s: TimeSeries) => {
    for (let i = s.values.length - 1; i >= 0; i--) if (s.values[i] !== null) return s.values[i]!;
    return null;
  };
  return (
    <figure className="oh-chart">
      <div ref={container} className="oh-chart-plot" role="img" aria-label={summary} />
      <figcaption className="oh-legend">
        {series.map((s) => {
          const value = latest(s);
          return (
            <span key={s.label}>
              <i
                aria-hidden="true"
                style={{
                  background: s.dash ? 'transparent' : s.color,
                  borderTop: s.dash ? `2px dashed ${s.color}` : undefined,
                }}
              />{' '}
              {s.label}
              {value !== null ? (
                <>
                  : <strong>{formatNumber(value)}</strong>
                </>
              ) : null}
            </span>
          );
        })}
      </figcaption>
    </figure>
  );
}

/** Categories compared by one number each: a bar per row, the number as text beside it. */
export function BarList({
  rows,
  empty,
  label,
}: {
  rows: { label: string; value: number; color?: string; detail?: string }[];
  empty: string;
  /** What the list is, for screen readers. */
  label?: string;
}) {
  if (rows.length === 0) return <p className="oh-state">{empty}</p>;
  const top = Math.max(1, ...rows.map((row) => row.value));
  return (
    <ul className="oh-bars" aria-label={label}>
      {rows.map((row) => (
        <li key={row.label}>
          <span className="oh-bar-label">
            {row.label}
            {row.detail ? <small> {row.detail}</small> : null}
          </span>
          <span className="oh-bar-track" aria-hidden="true">
            <span
              className="oh-bar"
              style={{ width: `${(row.value / top) * 100}%`, background: row.color ?? 'var(--oh-accent)' }}
            />
          </span>
          <span className="oh-bar-value">{formatNumber(row.value)}</span>
        </li>
      ))}
    </ul>
  );
}
