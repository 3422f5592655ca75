import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * The pool owns every connection: outside `packages/db`, no code creates a pg client or pool,
 * checks a client out of a pool, or loads `pg` for anything but its types — by a static or
 * dynamic import, a re-export, `require` or a require made by `createRequire`.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.git', '.next', '.turbo', '.data', 'dist', 'coverage']);
const ALLOWED = path.join(ROOT, 'packages', 'db') + path.sep;
const BENCH = path.join(ROOT, 'bench') + path.sep;

/**
 * The one exception: `pnpm bench` compares the pool against what it replaces, and two of those
 * references are deliberately unsafe — one shared pg.Client for every caller, and a bare pg.Pool
 * as the owner without RLS. They need a raw client or pool, so files directly or deeper under
 * `bench/` whose name contains `baseline` may open one. Nothing else may: a connection opened
 * outside packages/db skips the transaction-local claims, the error listeners and the pool's
 * limits, and in a request path that is a tenant-isolation or availability bug. The exemption
 * is by file name, not by directory, so the bench's RLS-scoped ways stay checked like app code.
 */
export function isExempt(file: string): boolean {
  return file.startsWith(ALLOWED) || (file.startsWith(BENCH) && path.basename(file).includes('baseline'));
}

/** `'pg'` or `'pg-pool'` as a module specifier, in either kind of quotes. */
const PG = `['"\`]pg(?:-pool)?['"\`]`;

const RULES: [RegExp, string][] = [
  [/\bnew\s+(?:pg\.)?(?:Client|Pool|native\.Client)\s*\(/, 'creates a pg client or pool'],
  [/\b(?:pool|Pool|\w+\.pool)\.connect\s*\(/, 'checks a client out of the pool'],
  [new RegExp(`^\\s*import\\s+(?!type\\b)[^;]*?from\\s+${PG}`, 'm'), 'imports pg at run time'],
  // `import('pg')` at run time; `typeof import('pg')` and `import('pg').PoolClient` are types.
  [new RegExp(`(?<!typeof\\s+)\\bimport\\(\\s*${PG}\\s*\\)(?!\\s*\\.\\s*[A-Z])`), 'imports pg at run time'],
  // A re-export hands pg's classes to whoever imports the file; `export type` does not.
  [new RegExp(`^\\s*export\\s+(?!type\\b)[^;]*?from\\s+${PG}`, 'm'), 're-exports pg'],
  [new RegExp(`\\brequire\\(\\s*${PG}\\s*\\)`), 'requires pg'],
  // A require made by createRequire may load pg under any name: any file using one and naming pg.
  [
    new RegExp(`\\bcreateRequire\\b[\\s\\S]*${PG}|${PG}[\\s\\S]*\\bcreateRequire\\b`),
    'requires pg through createRequire',
  ],
];

export function findStrayConnections(source: string): string[] {
  return [...new Set(RULES.filter(([pattern]) => pattern.test(source)).map(([, reason]) => reason))];
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.next')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(?:[cm]?[jt]sx?)$/.test(entry.name)) yield full;
  }
}

describe('connections outside packages/db', () => {
  it('the detector catches each way of opening one', () => {
    expect(findStrayConnections(`const c = new pg.Client({})`)).toEqual(['creates a pg client or pool']);
    expect(findStrayConnections(`const c = new Client(url)`)).toEqual(['creates a pg client or pool']);
    expect(findStrayConnections(`const p = new Pool()`)).toEqual(['creates a pg client or pool']);
    expect(findStrayConnections(`const c = await database.pool.connect()`)).toEqual([
      'checks a client out of the pool',
    ]);
    expect(findStrayConnections(`import pg from 'pg';`)).toEqual(['imports pg at run time']);
    expect(findStrayConnections(`import type pg from 'pg';`)).toEqual([]);
    expect(findStrayConnections(`const { default: pg } = await import('pg');`)).toEqual([
      'imports pg at run time',
    ]);
    expect(findStrayConnections(`const pool = import("pg").then((m) => m.default)`)).toEqual([
      'imports pg at run time',
    ]);
    expect(findStrayConnections('const pg = await import(`pg-pool`)')).toEqual(['imports pg at run time']);
    expect(findStrayConnections(`let client: import('pg').PoolClient;`)).toEqual([]);
    expect(findStrayConnections(`type Pg = typeof import('pg');`)).toEqual([]);
    expect(findStrayConnections(`export { Pool } from 'pg';`)).toEqual(['re-exports pg']);
    expect(findStrayConnections(`export * from 'pg-pool';`)).toEqual(['re-exports pg']);
    expect(findStrayConnections(`export type { PoolClient } from 'pg';`)).toEqual([]);
    expect(findStrayConnections(`const pg = require('pg');`)).toEqual(['requires pg']);
    expect(
      findStrayConnections(
        `import { createRequire } from 'node:module';\nconst pg = createRequire(import.meta.url)('pg');`,
      ),
    ).toEqual(['requires pg through createRequire']);
    expect(
      findStrayConnections(
        `import { createRequire } from 'node:module';\nconst load = createRequire(import.meta.url);\nconst pg = load("pg");`,
      ),
    ).toEqual(['requires pg through createRequire']);
    // Resolving pg's package.json (to print its version) opens nothing.
    expect(findStrayConnections(`createRequire(import.meta.url).resolve('pg/package.json')`)).toEqual([]);
    expect(findStrayConnections(`await database.withRls(claims, fn)`)).toEqual([]);
  });

  it('exempts only packages/db and the bench’s named baselines', () => {
    expect(isExempt(path.join(ROOT, 'packages/db/src/client.ts'))).toBe(true);
    expect(isExempt(path.join(ROOT, 'bench/ways/baseline-bare-pool.ts'))).toBe(true);
    expect(isExempt(path.join(ROOT, 'bench/ways/with-rls.ts'))).toBe(false);
    expect(isExempt(path.join(ROOT, 'bench/run.ts'))).toBe(false);
    expect(isExempt(path.join(ROOT, 'packages/api/src/baseline.ts'))).toBe(false);
    expect(isExempt(path.join(ROOT, 'test/baseline.ts'))).toBe(false);
  });

  it('none exist anywhere in the repository', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const file of sourceFiles(ROOT)) {
      if (isExempt(file) || file === import.meta.filename) continue;
      scanned++;
      for (const reason of findStrayConnections(readFileSync(file, 'utf8'))) {
        offenders.push(`${path.relative(ROOT, file)}: ${reason}`);
      }
    }
    expect(scanned).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
