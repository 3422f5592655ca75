import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Teardown } from '@openhouse/harness/teardown';

import { machineCpu, summarise, type Cell } from '../measure';
import {
  READ_SQL,
  RLS_PRELUDE,
  rlsPreludeParams,
  sqlLiteral,
  type BenchHomeowner,
  type ExpectedRows,
} from '../workload';
import type { Way } from './way';
import { appDatabase } from './with-rls';

/**
 * Way (e), the database's own ceiling: `pgbench` (a C client, its own threads) running the same
 * transaction as a script — BEGIN; the prelude of (d); the read; COMMIT — as the login role,
 * with the extended protocol, so the claims travel as a parameter exactly as in (d). One script
 * per homeowner, picked at random per transaction. pgbench has no pool: `-c 50` is 50 server
 * connections, not 10.
 */

export function findPgbench(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'pgbench');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The script pgbench runs for homeowner `index`. The prelude's `$n` become the `-D` variables
 * `:prelude_<index>_<n>`, whose values are `rlsPreludeParams` — whatever (d) sends, in its order —
 * and which pgbench sends as parameters under `--protocol=extended`, as (d) does.
 */
export function pgbenchScript(index: number): string {
  const prelude = RLS_PRELUDE.replace(/\$(\d+)/g, (_, n: string) => `:${preludeVariable(index, Number(n))}`);
  return `BEGIN;\n${prelude};\n${READ_SQL};\nCOMMIT;\n`;
}

const preludeVariable = (index: number, n: number) => `prelude_${index}_${n}`;

/** `name=value` for every variable of homeowner `index`'s script. */
function pgbenchVariables(index: number, homeowner: BenchHomeowner): [string, string][] {
  const params = rlsPreludeParams(homeowner);
  const used = new Set([...RLS_PRELUDE.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
  if (used.size !== params.length || params.some((_, i) => !used.has(i + 1))) {
    throw new Error(
      `bench: the prelude uses $${[...used].join(', $')} but withRls passes ${params.length} parameters`,
    );
  }
  return params.map((value, i) => [preludeVariable(index, i + 1), value]);
}

const WARMUP_TRANSACTIONS_PER_CLIENT = 50;
const PGBENCH_THREADS = 2;

export function pgbenchWay(
  appUrl: string,
  homeowners: BenchHomeowner[],
  expected: ExpectedRows,
  teardown: Teardown,
  pgbench = findPgbench(),
): Way {
  const way = {
    key: 'e' as const,
    name: 'pgbench, same transaction',
    description:
      'pgbench -M extended -j 2, script: BEGIN; prelude; read; COMMIT (4 round trips, C client, no pool)',
  };
  if (!pgbench) {
    return {
      ...way,
      verify: async () => {},
      measure: async (concurrency) => ({ concurrency, skipped: 'skipped: pgbench not found' }),
      close: async () => {},
    };
  }

  const workDir = mkdtempSync(path.join(tmpdir(), 'openhouse-bench-pgbench-'));
  const removeWorkDir = teardown.defer('remove pgbench scripts', () =>
    rmSync(workDir, { recursive: true, force: true }),
  );
  const scripts = homeowners.map((_, index) => {
    const file = path.join(workDir, `read-as-homeowner-${index}.sql`);
    writeFileSync(file, pgbenchScript(index));
    return file;
  });
  const variables = homeowners.flatMap((homeowner, index) =>
    pgbenchVariables(index, homeowner).map(([name, value]) => `${name}=${value}`),
  );
  const url = new URL(appUrl);
  const password = decodeURIComponent(url.password);
  url.password = ''; // to PGPASSWORD, not onto the command line

  const run = async (concurrency: number, limit: string[], logPrefix?: string) => {
    const args = [
      '--no-vacuum',
      '--protocol=extended',
      `--client=${concurrency}`,
      `--jobs=${Math.min(PGBENCH_THREADS, concurrency)}`, // pgbench caps threads at clients anyway
      ...limit,
      ...(logPrefix ? ['--log', `--log-prefix=${logPrefix}`] : []),
      ...scripts.map((file) => `--file=${file}`),
      ...variables.map((variable) => `--define=${variable}`),
      url.toString(),
    ];
    return spawnPgbench(pgbench, args, { ...process.env, PGPASSWORD: password }, teardown);
  };

  return {
    ...way,
    /** Runs the script's own statements through the login role and checks the read's rows. */
    async verify() {
      const database = appDatabase(appUrl, 'bench-e-verify', { DB_POOL_MIN: '0', DB_POOL_MAX: '1' });
      try {
        for (const [index, homeowner] of homeowners.entries()) {
          const values = new Map(pgbenchVariables(index, homeowner));
          const statements = pgbenchScript(index)
            .replace(/:(prelude_\d+_\d+)\b/g, (_, name: string) => sqlLiteral(values.get(name)!))
            .split(';\n')
            .map((statement) => statement.trim())
            .filter(Boolean);
          if (statements[0] !== 'BEGIN' || statements.at(-1) !== 'COMMIT') {
            throw new Error('bench: the pgbench script must be BEGIN; …; COMMIT');
          }
          const rows = await database.db.transaction(async (tx) => {
            let last: { rows: unknown[] } = { rows: [] };
            for (const statement of statements.slice(1, -1)) last = await tx.execute(statement);
            return last.rows as { id: string }[];
          });
          expected.check('e', homeowner, rows);
        }
        await run(1, ['--transactions=1']); // and pgbench itself accepts the script and connects
      } finally {
        await database.close();
      }
    },
    /**
     * Not `--time`: pgbench's clock starts before its clients have connected, and 50 SCRAM
     * handshakes on a busy machine can take longer than a short run. So the warm-up's rate sizes
     * a fixed number of transactions per client that takes about `seconds` once connected, and
     * pgbench's tps excludes the connection time.
     */
    async measure(concurrency, seconds): Promise<Cell> {
      const warmup = await run(concurrency, [`--transactions=${WARMUP_TRANSACTIONS_PER_CLIENT}`]);
      const warmupTps = Number(/^tps = ([\d.]+)/m.exec(warmup)?.[1] ?? 0);
      const perClient = Math.max(
        WARMUP_TRANSACTIONS_PER_CLIENT,
        Math.round((warmupTps * seconds) / concurrency),
      );
      const logDir = mkdtempSync(path.join(workDir, 'log-'));
      try {
        const before = machineCpu();
        const output = await run(concurrency, [`--transactions=${perClient}`], path.join(logDir, 'pgbench'));
        const after = machineCpu();
        return {
          ...parsePgbench(concurrency, output, logDir),
          machineBusy:
            before && after ? 1 - (after.idle - before.idle) / (after.total - before.total) : undefined,
        };
      } finally {
        rmSync(logDir, { recursive: true, force: true });
      }
    },
    close: removeWorkDir,
  };
}

function spawnPgbench(
  pgbench: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  teardown: Teardown,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(pgbench, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = teardown.defer('stop pgbench', () => child.kill('SIGTERM'));
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      void stop();
      if (code === 0 && !/aborted|error/i.test(output)) resolve(output);
      else reject(new Error(`pgbench failed (${signal ?? `exit ${code}`}):\n${output.trim()}`));
    });
  });
}

/**
 * ops/s is pgbench's own `tps` (excluding connection time); the percentiles come from its
 * per-transaction log (`--log`: the third column is the latency in microseconds).
 */
function parsePgbench(concurrency: number, output: string, logDir: string): Cell {
  const tps = /^tps = ([\d.]+)/m.exec(output);
  const processed = /number of transactions actually processed: (\d+)/.exec(output);
  const failed = /number of failed transactions: (\d+)/.exec(output);
  if (!tps || !processed) throw new Error(`bench: could not read pgbench's output:\n${output}`);
  if (failed && Number(failed[1]) > 0) throw new Error(`bench: pgbench had failed transactions:\n${output}`);

  const latenciesMs: number[] = [];
  for (const file of readdirSync(logDir)) {
    for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      const microseconds = line.split(' ')[2];
      if (microseconds) latenciesMs.push(Number(microseconds) / 1000);
    }
  }
  const opsPerSecond = Number(tps[1]);
  const summary = summarise(concurrency, latenciesMs, Number(processed[1]) / opsPerSecond);
  return { ...summary, ops: Number(processed[1]), opsPerSecond };
}
