import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * The pool owns every connection: outside `packages/db`, no code creates a pg client or pool,
 * checks a client out of a pool, or imports `pg` for anything but its types.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.git', '.next', '.turbo', '.data', 'dist', 'coverage']);
const ALLOWED = path.join(ROOT, 'packages', 'db') + path.sep;

const RULES: [RegExp, string][] = [
  [/\bnew\s+(?:pg\.)?(?:Client|Pool|native\.Client)\s*\(/, 'creates a pg client or pool'],
  [/\b(?:pool|Pool|\w+\.pool)\.connect\s*\(/, 'checks a client out of the pool'],
  [/^\s*import\s+(?!type\b)[^;]*?from\s+['"]pg(?:-pool)?['"]/m, 'imports pg at run time'],
  [/\brequire\(\s*['"]pg(?:-pool)?['"]\s*\)/, 'requires pg'],
];

export function findStrayConnections(source: string): string[] {
  return RULES.filter(([pattern]) => pattern.test(source)).map(([, reason]) => reason);
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
    expect(findStrayConnections(`await database.withRls(claims, fn)`)).toEqual([]);
  });

  it('none exist anywhere in the repository', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const file of sourceFiles(ROOT)) {
      if (file.startsWith(ALLOWED) || file === import.meta.filename) continue;
      scanned++;
      for (const reason of findStrayConnections(readFileSync(file, 'utf8'))) {
        offenders.push(`${path.relative(ROOT, file)}: ${reason}`);
      }
    }
    expect(scanned).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
