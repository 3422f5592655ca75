import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { renderHtmlReport } from './html-report';
import type { RunReport } from './report';

/** Writes `<stamp>-<profile>.json` and `.html` under loadtests/reports/; returns their paths. */
export function writeReports(report: RunReport): { json: string; html: string } {
  const dir = path.join(import.meta.dirname, 'reports');
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  const topology = report.serverless
    ? '-serverless'
    : report.topology.includes('PgBouncer')
      ? '-pgbouncer'
      : '';
  const chaos = report.suites.some((suite) => suite.chaos) ? '-chaos' : '';
  const scale = report.scale === 'small' ? '' : `-${report.scale}`;
  const base = path.join(dir, `${stamp}-${report.profile}${topology}${chaos}${scale}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.html`, renderHtmlReport(report));
  return { json: `${base}.json`, html: `${base}.html` };
}
