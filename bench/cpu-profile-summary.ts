import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

/**
 * A V8 .cpuprofile summarised by where the time goes. Frames in the portal's bundled server
 * chunks are mapped back to their sources through the build's source maps (minified names say
 * nothing), then grouped by package — `pg`, `drizzle-orm`, `@trpc/server`, `next/…`, or a file of
 * ours such as `packages/db/src/rls.ts`.
 *
 *   pnpm exec tsx bench/cpu-profile-summary.ts <file.cpuprofile> [chunks dir]
 *
 * The chunks dir defaults to the tenant portal's bench build; it must be the build profiled.
 */

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

type ProfileNode = CpuProfile['nodes'][number];

export const DEFAULT_CHUNKS_DIR = path.resolve(
  import.meta.dirname,
  '../apps/tenant-portal/.next-e2e/server/chunks',
);

/** Where a source file belongs: a package, a file of this repository, or Next's own module. */
function ownerOf(encoded: string): string {
  const source = decodeURIComponent(encoded);
  const inPackage = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(
    source,
  );
  if (inPackage) {
    const [, found, rest] = inPackage;
    // Some packages' own source maps point outside the package (drizzle-orm: node_modules/src/…);
    // pnpm's store directory still names it.
    const store = /\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@/.exec(source)?.[1]?.replace('+', '/');
    const name = found === 'src' && store ? store : found;
    // Next.js is most of the request; its parts say more than its name.
    return name === 'next' ? `next/${rest!.split('/').slice(1, 4).join('/')}` : name!;
  }
  const ours = /((?:packages|apps)\/.*)$/.exec(source);
  return ours ? ours[1]! : source.replace(/^[a-z]+:\/\/\/?/, '');
}

interface Frame {
  owner: string;
  name: string;
}

export function summariseProfile(profile: CpuProfile, chunksDir = DEFAULT_CHUNKS_DIR, top = 30): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const maps = new Map<string, SourceMap | null>();
  const mapFor = (url: string) => {
    const chunk = /\.next-e2e\/server\/chunks\/(.*)$/.exec(url)?.[1];
    if (!chunk) return null;
    const file = path.join(chunksDir, `${decodeURIComponent(chunk)}.map`);
    if (!maps.has(file)) {
      maps.set(file, existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : null);
    }
    return maps.get(file)!;
  };
  const frames = new Map<number, Frame | null>();
  // A JavaScript frame's owner and name (source-mapped); null for V8, natives and node: internals.
  const frameOf = (node: ProfileNode): Frame | null => {
    if (frames.has(node.id)) return frames.get(node.id)!;
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    let frame: Frame | null = null;
    if (url && !url.startsWith('node:')) {
      const entry = mapFor(url)?.findEntry(lineNumber, columnNumber);
      if (entry && 'originalSource' in entry && entry.originalSource) {
        const owner = ownerOf(entry.originalSource);
        frame = {
          owner,
          name: `${owner}:${entry.originalLine + 1} ${(entry as { name?: string }).name ?? functionName}`,
        };
      } else {
        const owner = ownerOf(url.replace(/^file:\/\//, ''));
        frame = { owner, name: `${owner} ${functionName || '(anonymous)'}:${lineNumber + 1}` };
      }
    }
    frames.set(node.id, frame);
    return frame;
  };
  const nodeName = (node: ProfileNode) => {
    const frame = frameOf(node);
    if (frame) return frame.name;
    const { functionName, url, lineNumber } = node.callFrame;
    return url ? `${functionName || '(anonymous)'} ${url}:${lineNumber + 1}` : functionName || '(native)';
  };

  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  const selfByOwner = new Map<string, number>();
  const inclusiveByOwner = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [index, id] of profile.samples.entries()) {
    const us = profile.timeDeltas[index] ?? 0;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    add(selfByFunction, nodeName(leaf), us);
    // Natives and node: internals (a socket write, a HMAC) are billed to the JavaScript that called them.
    let caller: ProfileNode | undefined = leaf;
    let frame: Frame | null = null;
    while (caller && !(frame = frameOf(caller))) caller = byId.get(parent.get(caller.id)!);
    add(selfByOwner, frame?.owner ?? (leaf.callFrame.functionName || '(native)'), us);
    const seen = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id)!)) {
      const owner = frameOf(node)?.owner;
      if (owner && !seen.has(owner)) {
        seen.add(owner);
        add(inclusiveByOwner, owner, us);
      }
    }
  }
  const lines = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(
        ([name, us]) =>
          `${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      );
  return [
    `busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s (shares below are of busy time)`,
    '',
    'self time by package, natives billed to their JavaScript caller:',
    ...lines(selfByOwner, 25),
    '',
    'inclusive time by package (a sample counts once per package on its stack; async hops cut stacks):',
    ...lines(inclusiveByOwner, 25),
    '',
    `top ${top} functions by self time:`,
    ...lines(selfByFunction, top),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const [file, chunksDir] = process.argv.slice(2).filter((arg) => arg !== '--');
  if (!file) {
    console.error('usage: pnpm exec tsx bench/cpu-profile-summary.ts <file.cpuprofile> [chunks dir]');
    process.exit(2);
  }
  console.log(summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, chunksDir));
}
