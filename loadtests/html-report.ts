import { dataSizesTable } from '@openhouse/harness/scaled-database';

import { scaleComparisonCells, serverlessCells, type RunReport, type SuiteReport } from './report';

/**
 * One self-contained HTML page: the summary table, then per suite latency over time (p50/p95/p99
 * per second), the latency percentile curve and the pool's in-use/waiting over time, as inline
 * SVG. No script, no stylesheet or font from anywhere else: it opens from a CI artefact offline.
 */

interface Series {
  name: string;
  colour: string;
  points: [number, number][];
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 52, right: 12, top: 12, bottom: 30 };

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function lineChart(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map(([x]) => x));
  const minX = Math.min(0, ...all.map(([x]) => x));
  const maxY = Math.max(1, ...all.map(([, y]) => y)) * 1.1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - minX) / (maxX - minX || 1)) * plotW;
  const sy = (y: number) => PAD.top + plotH - (y / maxY) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks
    .map((f) => {
      const y = PAD.top + plotH - f * plotH;
      return `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${PAD.left - 4}" y="${y + 4}" text-anchor="end">${(f * maxY).toFixed(maxY < 10 ? 1 : 0)}</text>`;
    })
    .join('');
  const xTicks = ticks
    .map((f) => {
      const x = PAD.left + f * plotW;
      return `<text x="${x}" y="${HEIGHT - PAD.bottom + 14}" text-anchor="middle">${(minX + f * (maxX - minX)).toFixed(maxX < 10 ? 1 : 0)}</text>`;
    })
    .join('');
  const paths = series
    .map((s) => {
      const d = s.points
        .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join('');
      return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.5"/>`;
    })
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${PAD.left + 8 + i * 110}" y="${PAD.top + 2}" width="10" height="10" fill="${s.colour}"/><text x="${PAD.left + 22 + i * 110}" y="${PAD.top + 11}">${escapeHtml(s.name)}</text>`,
    )
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-size="10" font-family="sans-serif">
${grid}${xTicks}<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#999"/>
<text x="${WIDTH / 2}" y="${HEIGHT - 4}" text-anchor="middle">${escapeHtml(xLabel)}</text>
<text x="10" y="${PAD.top + plotH / 2}" transform="rotate(-90 10 ${PAD.top + plotH / 2})" text-anchor="middle">${escapeHtml(yLabel)}</text>
${paths}${legend}</svg></figure>`;
}

function suiteSection(suite: SuiteReport, scale?: string): string {
  const latencyOverTime = lineChart('Latency over time (per second)', 'seconds', 'ms', [
    { name: 'p50', colour: '#2b8a3e', points: suite.perSecond.map((p) => [p.second, p.p50]) },
    { name: 'p95', colour: '#e67700', points: suite.perSecond.map((p) => [p.second, p.p95]) },
    { name: 'p99', colour: '#c92a2a', points: suite.perSecond.map((p) => [p.second, p.p99]) },
  ]);
  const throughput = lineChart('Responses per second', 'seconds', 'req/s', [
    { name: 'responses', colour: '#1971c2', points: suite.perSecond.map((p) => [p.second, p.requests]) },
  ]);
  const percentiles = lineChart('Latency by percentile', 'percentile', 'ms', [
    { name: 'latency', colour: '#5f3dc4', points: suite.percentiles },
  ]);
  const pool = lineChart(
    `Pool over time (max ${suite.poolMax}; sampled from /api/health every ~200 ms)`,
    'seconds',
    'connections',
    [
      { name: 'in use', colour: '#1971c2', points: suite.poolSamples.map((s) => [s.t / 1000, s.inUse]) },
      { name: 'waiting', colour: '#c92a2a', points: suite.poolSamples.map((s) => [s.t / 1000, s.waiting]) },
    ],
  );
  const platform = suite.serverless
    ? lineChart(
        `Serverless platform (Postgres max_connections ${suite.serverless.postgres.maxConnections}; sampled every ~100 ms)`,
        'seconds',
        'count',
        [
          {
            name: 'Postgres app conns',
            colour: '#1971c2',
            points: suite.serverless.samples.map((s) => [s.t / 1000, s.appConnections]),
          },
          {
            name: 'instances running',
            colour: '#2b8a3e',
            points: suite.serverless.samples.map((s) => [s.t / 1000, s.running]),
          },
          {
            name: 'instances frozen',
            colour: '#c92a2a',
            points: suite.serverless.samples.map((s) => [s.t / 1000, s.frozen]),
          },
        ],
      )
    : '';
  const calls = Object.entries(suite.byProcedure)
    .map(([procedure, count]) => `${escapeHtml(procedure)} ${count}`)
    .join(', ');
  const failures = suite.failureSamples.length
    ? `<p>First failures:</p><ul>${suite.failureSamples.map((f) => `<li><code>${escapeHtml(f)}</code></li>`).join('')}</ul>`
    : '';
  const chaos = suite.chaos
    ? `<p>Chaos: failures per phase (a phase starts when its fault starts).</p><table><tr><th>phase</th><th>window</th><th>responses</th><th>failed</th><th>last failure after the fault ended</th></tr>${suite.chaos.phases
        .map(
          (p) =>
            `<tr><td>${escapeHtml(p.phase)}</td><td>${(p.from / 1000).toFixed(1)}–${(p.to / 1000).toFixed(1)} s</td><td>${p.responses}</td><td>${p.failures}</td><td>${p.recoveryMs === null ? '—' : `${p.recoveryMs} ms`}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  return `<section><h2>${escapeHtml(suite.suite)}${scale ? ` — ${escapeHtml(scale)} scale` : ''}</h2>${chaos}
<p>${escapeHtml(suite.mix)} — ${suite.connections} connections, ${suite.durationSeconds.toFixed(0)} s. Calls sent: ${calls}.</p>
${failures}<div class="charts">${latencyOverTime}${throughput}${percentiles}${suite.serverless ? platform : pool}</div></section>`;
}

function summaryRows(suites: SuiteReport[]): string {
  return suites
    .map(
      (
        s,
      ) => `<tr><td>${escapeHtml(s.suite)}</td><td>${s.connections}</td><td>${s.requests}</td><td>${s.requestsPerSecond.toFixed(0)}</td>
<td>${s.latencyMs.p50}</td><td>${s.latencyMs.p95}</td><td>${s.latencyMs.p99}</td><td>${s.non2xx}</td><td>${s.connectionErrors}</td>
<td>${s.timeouts}</td><td>${s.shapeErrors}</td><td>${s.poolPeakInUse}/${s.poolMax}</td><td>${s.poolPeakWaiting}</td><td>${s.sentryPoolEvents}</td></tr>`,
    )
    .join('\n');
}

export function renderHtmlReport(report: RunReport): string {
  const m = report.machine;
  const env = Object.entries(report.portalEnv)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenHouse load test — ${escapeHtml(report.profile)} — ${escapeHtml(report.date)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:.5rem}figcaption{font-weight:600}
.pass{color:#2b8a3e}.fail{color:#c92a2a}
</style></head><body>
<h1>OpenHouse load test: <span class="${report.passed ? 'pass' : 'fail'}">${report.passed ? 'passed' : 'FAILED'}</span></h1>
<p><code>${escapeHtml(report.command)}</code> — profile <b>${escapeHtml(report.profile)}</b>, ${escapeHtml(report.date)},
${report.durationSeconds.toFixed(0)} s in all.<br>
Machine: ${m.cpus} × ${escapeHtml(m.cpuModel)}, ${m.memoryGb} GB, Node ${escapeHtml(m.node)}, ${escapeHtml(m.platform)}.
Topology: ${escapeHtml(report.topology)}.<br>
Database: ${escapeHtml(report.database.server)} Postgres ${escapeHtml(report.database.version)}, max_connections ${report.database.maxConnections}. Portal env: <code>${escapeHtml(env)}</code></p>
${report.small ? `<h2>${escapeHtml(report.scale)} scale</h2>` : ''}
${summaryTable(report.suites)}
${report.serverless ? serverlessSection(report) : ''}
${report.small ? `<h2>small scale</h2>${summaryTable(report.small.suites)}${scaleComparison(report)}` : ''}
${dataTable(report)}
${report.suites.map((suite) => suiteSection(suite, report.small ? report.scale : undefined)).join('\n')}
${report.small ? report.small.suites.map((suite) => suiteSection(suite, 'small')).join('\n') : ''}
</body></html>
`;
}

function summaryTable(suites: SuiteReport[]): string {
  return `<table><tr><th>suite</th><th>conns</th><th>requests</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>non-2xx</th>
<th>conn err</th><th>timeouts</th><th>bad shape</th><th>pool peak in-use</th><th>pool peak waiting</th><th>Sentry pool events</th></tr>
${summaryRows(suites)}</table>`;
}

function htmlTable(header: string[], rows: string[][]): string {
  const cells = (tag: string, values: string[]) =>
    `<tr>${values.map((value) => `<${tag}>${escapeHtml(value)}</${tag}>`).join('')}</tr>`;
  return `<table>${cells('th', header)}${rows.map((row) => cells('td', row)).join('')}</table>`;
}

/** Small against the chosen scale, per suite; the target is reported, not enforced. */
function scaleComparison(report: RunReport): string {
  const { header, rows } = scaleComparisonCells(report.scaleComparison ?? [], report.scale);
  return `<h2>small vs ${escapeHtml(report.scale)}</h2>${htmlTable(header, rows)}`;
}

/** `--topology serverless`: the platform's counts per path and suite, and its settings. */
function serverlessSection(report: RunReport): string {
  const { header, rows } = serverlessCells(report.suites);
  const settings = Object.entries(report.serverless ?? {})
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
  return `<h2>Serverless platform</h2>${htmlTable(header, rows)}<p>Settings: <code>${escapeHtml(settings)}</code></p>`;
}

function dataTable(report: RunReport): string {
  const { header, rows } = dataSizesTable(report.data);
  return `<h2>Data</h2>${htmlTable(header, rows)}`;
}
