import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { build } from 'esbuild';

/**
 * The platform's build step: the instance (`serverless-instance.ts`, with the workspace packages
 * and their dependencies) bundled into one ES module, as a serverless platform deploys a function.
 * A cold start then parses one file instead of resolving and transpiling a few hundred modules.
 *
 * `@sentry/nextjs` stays outside the bundle, imported from its own ESM build: under Node's `node`
 * condition it resolves to its CommonJS build, whose named exports Node cannot all see from ESM
 * and which takes twice as long to load. `pg-native` is pg's optional native driver, not installed.
 */
export async function buildInstance(): Promise<{ file: string; remove: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'openhouse-fn-'));
  const file = path.join(dir, 'instance.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'serverless-instance.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // CommonJS dependencies inside an ES module still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'openhouse-serverless-externals',
        setup(bundle) {
          bundle.onResolve({ filter: /^(?:@sentry\/nextjs|pg-native)$/ }, async (args) => {
            if (args.path === 'pg-native') return { path: args.path, external: true };
            if (args.pluginData === 'inner') return undefined;
            const resolved = await bundle.resolve(args.path, {
              resolveDir: args.resolveDir,
              kind: args.kind,
              pluginData: 'inner',
            });
            const esm = resolved.path.replace(
              /\/build\/cjs\/index\.server\.js$/,
              '/build/esm/index.server.js',
            );
            return { path: esm, external: true };
          });
        },
      },
    ],
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
