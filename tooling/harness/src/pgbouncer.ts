import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from './net';

/**
 * A real PgBouncer in transaction mode in front of one test database, with the settings of
 * deploy/pgbouncer/pgbouncer.ini and a deliberately small server pool, so that many client
 * connections share few server connections. Clients connect without a password (test only).
 */

export interface PgBouncer {
  /** `appUrl` with host and port replaced by PgBouncer's. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Why PgBouncer tests cannot run here, in one line, or undefined when they can. Debian's
 * `pgbouncer` package provides it (.ci/run installs it).
 */
export function pgBouncerUnavailable(): string | undefined {
  const probe = spawnSync('pgbouncer', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return 'pgbouncer is not installed (apt-get install pgbouncer; .ci/run installs it)';
  }
  return undefined;
}

export async function startPgBouncer(
  appUrl: string,
  serverPoolSize = 2,
  /** More `[pgbouncer]` settings, e.g. `{ client_idle_timeout: 2 }`. */
  settings: Record<string, string | number> = {},
): Promise<PgBouncer> {
  const target = new URL(appUrl);
  const database = target.pathname.slice(1);
  const user = decodeURIComponent(target.username);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'openhouse-pgbouncer-'));
  chmodSync(dir, 0o777); // PgBouncer refuses root and runs as `postgres`, which writes its pid file here
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    `[databases]
${database} = host=${target.hostname} port=${target.port || 5432} dbname=${database} user=${user} password=${decodeURIComponent(target.password)}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
pidfile = ${dir}/pgbouncer.pid
pool_mode = transaction
default_pool_size = ${serverPoolSize}
min_pool_size = 0
max_client_conn = 500
auth_type = trust
auth_file = ${dir}/userlist.txt
ignore_startup_parameters = extra_float_digits,statement_timeout,idle_in_transaction_session_timeout
server_reset_query =
idle_transaction_timeout = 20
log_connections = 0
log_disconnections = 0
${Object.entries(settings)
  .map(([name, value]) => `${name} = ${value}\n`)
  .join('')}`,
  );
  writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" ""\n`);

  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    'pgbouncer',
    [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  // Without this a missing binary would be an unhandled 'error' event: the deadline loop reports it.
  child.once('error', (error) => (output += `${error.message}\n`));
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.pid === undefined || Date.now() > deadline) {
      child.kill();
      throw new Error(`PgBouncer did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const url = new URL(appUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    stop: () =>
      new Promise((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGINT');
      }),
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
