import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * The import graph as docs/ARCHITECTURE.md draws it: each package imports only the packages below
 * it, and no module imports itself round a cycle (type-only imports count: a cycle of types is
 * still two modules that cannot be understood apart).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.git', '.data', 'dist', 'coverage', 'results', 'reports']);

/** What each package's `src/` may import of the others (a `/` entry names a single entry point). */
const ALLOWED: Record<string, string[]> = {
  '@openhouse/env': [],
  '@openhouse/db': ['@openhouse/env'],
  '@openhouse/auth': ['@openhouse/env'],
  '@openhouse/error-tracker': ['@openhouse/env'],
  '@openhouse/api': ['@openhouse/env', '@openhouse/db', '@openhouse/auth', '@openhouse/error-tracker'],
  // The seed writes what the API would (invite hashes, passages) and sets its session cookie;
  // it never loads the router.
  '@openhouse/seed': [
    '@openhouse/api/invite-codes',
    '@openhouse/api/passages',
    '@openhouse/api/session',
    '@openhouse/auth',
    '@openhouse/db',
  ],
  '@openhouse/ui': ['@openhouse/api', '@openhouse/auth'],
  '@openhouse/harness': ['@openhouse/api', '@openhouse/auth', '@openhouse/db', '@openhouse/seed'],
};

interface Workspace {
  name: string;
  dir: string;
  exports: Record<string, string>;
}

const workspaces: Workspace[] = ['apps', 'packages', 'tooling'].flatMap((group) =>
  readdirSync(path.join(ROOT, group))
    .map((name) => path.join(ROOT, group, name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => {
      const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return { name: json.name as string, dir, exports: (json.exports ?? {}) as Record<string, string> };
    }),
);

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.next')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

/** Every module specifier a file imports or re-exports, statically or with `import()`. */
export function importsOf(source: string): string[] {
  const pattern =
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...source.matchAll(pattern)].map((match) => (match[1] ?? match[2])!);
}

const asFile = (base: string) =>
  [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );

/** The workspace file a specifier names, or undefined for anything outside the workspace. */
function resolve(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return asFile(path.resolve(path.dirname(from), specifier));
  const match = /^(@openhouse\/[^/]+)(\/.+)?$/.exec(specifier);
  const workspace = match && workspaces.find((candidate) => candidate.name === match[1]);
  if (!workspace) return undefined;
  const entry = `.${match[2] ?? ''}`;
  for (const [key, target] of Object.entries(workspace.exports)) {
    const [prefix, suffix = ''] = key.split('*');
    if (key === entry) return asFile(path.join(workspace.dir, target));
    if (key.includes('*') && entry.startsWith(prefix!) && entry.endsWith(suffix)) {
      const middle = entry.slice(prefix!.length, entry.length - suffix.length);
      return asFile(path.join(workspace.dir, target.replace('*', middle)));
    }
  }
  return undefined;
}

/** The strongly connected components with more than one module (or a module importing itself). */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const dep of graph.get(node) ?? []) {
      if (!index.has(dep)) {
        visit(dep);
        low.set(node, Math.min(low.get(node)!, low.get(dep)!));
      } else if (onStack.has(dep)) low.set(node, Math.min(low.get(node)!, index.get(dep)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe('the import graph', () => {
  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c']]);
    expect(
      importsOf(`import type { X } from './x';\nexport { y } from "../y";\nawait import('./z');`),
    ).toEqual(['./x', '../y', './z']);
  });

  it('has no cycles', () => {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(ROOT)) {
      const deps = importsOf(readFileSync(file, 'utf8'))
        .map((specifier) => resolve(file, specifier))
        .filter((dep): dep is string => dep !== undefined);
      graph.set(
        path.relative(ROOT, file),
        deps.map((dep) => path.relative(ROOT, dep)),
      );
    }
    expect(graph.size).toBeGreaterThan(100);
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('has each package import only what is below it', () => {
    const offenders: string[] = [];
    for (const workspace of workspaces) {
      const allowed = ALLOWED[workspace.name];
      if (!allowed) continue; // the apps sit on top and may import any package
      for (const file of sourceFiles(path.join(workspace.dir, 'src'))) {
        for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
          const target = /^@openhouse\/[^/]+/.exec(specifier)?.[0];
          if (!target || target === workspace.name) continue;
          const ok = allowed.some((entry) => entry === target || entry === specifier);
          if (!ok) offenders.push(`${path.relative(ROOT, file)} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
