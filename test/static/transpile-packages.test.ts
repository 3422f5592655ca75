import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * Internal packages export their TypeScript source and have no build step: each portal compiles
 * every one it reaches, so each must be in the portal's `transpilePackages` — including the ones
 * it reaches only through another (`@openhouse/env` through `@openhouse/db`).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

const internalPackages = new Map(
  readdirSync(path.join(ROOT, 'packages')).map((name) => {
    const found = manifest(path.join(ROOT, 'packages', name));
    return [found.name, found] as const;
  }),
);

/** The internal packages `dependencies` reach, directly or through each other. */
function reachable(dependencies: Record<string, string> = {}): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const found = internalPackages.get(name);
    if (!found || seen.has(name)) return;
    seen.add(name);
    for (const next of Object.keys(found.dependencies ?? {})) visit(next);
  };
  for (const name of Object.keys(dependencies)) visit(name);
  return seen;
}

/** The string literals of `transpilePackages: [...]` in a Next.js config's source. */
export function transpilePackagesOf(source: string): string[] {
  const list = /transpilePackages:\s*\[([^\]]*)\]/.exec(source)?.[1] ?? '';
  return [...list.matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

describe('transpilePackages', () => {
  it('reads the list from a config', () => {
    expect(
      transpilePackagesOf(`const c = { transpilePackages: ['@openhouse/api', "@openhouse/db"] };`),
    ).toEqual(['@openhouse/api', '@openhouse/db']);
    expect(transpilePackagesOf(`const c = {};`)).toEqual([]);
  });

  it.each(['tenant-portal', 'developer-portal'])('lists every internal package %s reaches', (app) => {
    const dir = path.join(ROOT, 'apps', app);
    const needed = [...reachable(manifest(dir).dependencies)].sort();
    expect(needed).toContain('@openhouse/env');
    const listed = transpilePackagesOf(readFileSync(path.join(dir, 'next.config.ts'), 'utf8'));
    expect([...listed].sort()).toEqual(needed);
  });
});
