/**
 * Small dependency-free SVG charts for the operations page. Each chart has a text summary for
 * screen readers (`aria-label`), so the numbers are never only in the picture.
 */

export interface Series {
  label: string;
  color: string;
  values: number[];
}

export function TimeSeriesChart({
  series,
  ceiling,
  ceilingLabel,
  height = 160,
  summary,
}: {
  series: Series[];
  /** A dashed line at this value (e.g. the pool's max). */
  ceiling?: number;
  ceilingLabel?: string;
  height?: number;
  summary: string;
}) {
  const width = 600;
  const padding = { top: 12, right: 8, bottom: 18, left: 28 };
  const points = Math.max(2, ...series.map((s) => s.values.length));
  const top = Math.max(1, ceiling ?? 0, ...series.flatMap((s) => s.values));
  const x = (i: number) => padding.left + (i / (points - 1)) * (width - padding.left - padding.right);
  const y = (v: number) => padding.top + (1 - v / top) * (height - padding.top - padding.bottom);
  const path = (values: number[]) =>
    values
      .map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i + points - values.length).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ');

  return (
    <figure className="oh-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} preserveAspectRatio="none">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={padding.left}
              x2={width - padding.right}
              y1={y(top * f)}
              y2={y(top * f)}
              className="oh-grid"
            />
            <text x={padding.left - 4} y={y(top * f) + 4} textAnchor="end" className="oh-axis">
              {Math.round(top * f)}
            </text>
          </g>
        ))}
        {ceiling !== undefined ? (
          <g>
            <line
              x1={padding.left}
              x2={width - padding.right}
              y1={y(ceiling)}
              y2={y(ceiling)}
              className="oh-ceiling"
            />
            <text x={width - padding.right} y={y(ceiling) - 4} textAnchor="end" className="oh-axis">
              {ceilingLabel}
            </text>
          </g>
        ) : null}
        {series.map((s) =>
          s.values.length > 1 ? (
            <path key={s.label} d={path(s.values)} fill="none" stroke={s.color} strokeWidth={2.5} />
          ) : null,
        )}
      </svg>
      <figcaption className="oh-legend">
        {series.map((s) => (
          <span key={s.label}>
            <i style={{ background: s.color }} aria-hidden="true" /> {s.label}:{' '}
            <strong>{s.values.at(-1) ?? 0}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function BarList({
  rows,
  empty,
}: {
  rows: { label: string; value: number; color?: string }[];
  empty: string;
}) {
  if (rows.length === 0) return <p className="oh-state">{empty}</p>;
  const top = Math.max(...rows.map((row) => row.value));
  return (
    <ul className="oh-bars">
      {rows.map((row) => (
        <li key={row.label}>
          <span className="oh-bar-label">{row.label}</span>
          <span className="oh-bar-track" aria-hidden="true">
            <span
              className="oh-bar"
              style={{ width: `${(row.value / top) * 100}%`, background: row.color ?? 'var(--oh-accent)' }}
            />
          </span>
          <span className="oh-bar-value">{row.value}</span>
        </li>
      ))}
    </ul>
  );
}
