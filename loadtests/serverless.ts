import { spawn, type ChildProcess } from 'node:child_process';
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import path from 'node:path';

import { withAdminClient } from '@openhouse/db/admin';

import type { InstanceMessage } from './serverless-instance';

/**
 * A serverless platform simulated on this machine from real parts (`pnpm load --topology
 * serverless`): up to `instances` function instances, each its own Node process serving the real
 * router (`serverless-instance.ts`), behind a small front that the load suites' connections talk
 * to. The front
 *
 * - routes each request to the least busy running instance of its active set, queueing it while
 *   none is running (a cold start in progress);
 * - sizes the active set by a wave between `minActive` and `instances` (traffic that swells and
 *   ebbs): growing, it first thaws frozen instances whose hold has passed, then starts new ones
 *   cold; shrinking, it stops routing to the surplus;
 * - freezes an instance (SIGSTOP) once it has been idle `settleMs`, with whatever connections its
 *   pool holds, for a random hold longer than the server's idle limit, and thaws it (SIGCONT)
 *   straight into traffic — no health check first, as a platform resumes a function;
 * - reclaims (SIGKILL) an instance frozen for `reclaimAfterMs`, as a platform drops one it no
 *   longer needs without warning.
 *
 * It counts instances started, failed to start, frozen, thawed and reclaimed, each cold start's
 * time from spawn to listening, the instances' database failures by kind (sent by each instance
 * over IPC), its own failures by kind, and samples Postgres' connections (`pg_stat_activity`).
 */

export interface PlatformSettings {
  instances: number;
  minActive: number;
  wavePeriodMs: number;
  /** A frozen instance may be thawed after a random hold in this range. */
  holdMs: [number, number];
  reclaimAfterMs: number;
  settleMs: number;
  /** Cold starts in progress at once at most: a platform scales out at a bounded rate. */
  maxStarting: number;
  /** `global`: one module-global pool per instance; `per-request`: a pool per transaction, closed after. */
  client: 'global' | 'per-request';
  env: Record<string, string>;
  /** The built instance (`buildInstance`). */
  instanceFile: string;
}

/** Cumulative counts; a suite's are the difference between two snapshots. */
export interface PlatformCounts {
  started: number;
  startFailed: number;
  frozen: number;
  thawed: number;
  reclaimed: number;
  crashed: number;
  coldStartsMs: number[];
  /** The instances' database failures by kind (`idle_client_error`: a dead idle client discarded). */
  dbFailures: Record<string, number>;
  /** The front's own: `cold_start_failed`, `proxy_error`, `front_timeout`. */
  frontFailures: Record<string, number>;
}

export interface PlatformSample {
  /** ms since the sampler started. */
  t: number;
  running: number;
  frozen: number;
  /** Postgres backends of the app's login role (directly, or PgBouncer's server connections). */
  appConnections: number;
  /** Every client backend (the sampler's own included). */
  clientBackends: number;
}

type State = 'starting' | 'running' | 'draining' | 'frozen' | 'dead';

interface Instance {
  id: number;
  child: ChildProcess;
  state: State;
  port?: number;
  agent: Agent;
  spawnedAt: number;
  inFlight: number;
  lastDoneAt: number;
  frozenAt: number;
  holdMs: number;
  failures: Record<string, number>;
  output: string;
}

interface Pending {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  arrivedAt: number;
}

const TICK_MS = 50;
/** A request with no instance to serve it after this is answered 504 by the front. */
const QUEUE_TIMEOUT_MS = 25_000;
const OUTPUT_LIMIT = 4_000;

export class ServerlessPlatform {
  private readonly instances: Instance[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly began = Date.now();
  private stopped = false;
  /** Counts of instances that are gone, so that the totals survive them. */
  private readonly counts: PlatformCounts = {
    started: 0,
    startFailed: 0,
    frozen: 0,
    thawed: 0,
    reclaimed: 0,
    crashed: 0,
    coldStartsMs: [],
    dbFailures: {},
    frontFailures: {},
  };
  url = '';

  constructor(
    private readonly settings: PlatformSettings,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.accept(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Totals so far, with the database failures of every instance, gone or alive. */
  snapshot(): PlatformCounts {
    const dbFailures = { ...this.counts.dbFailures };
    for (const instance of this.instances) {
      for (const [kind, count] of Object.entries(instance.failures))
        dbFailures[kind] = (dbFailures[kind] ?? 0) + count;
    }
    return {
      ...this.counts,
      coldStartsMs: [...this.counts.coldStartsMs],
      dbFailures,
      frontFailures: { ...this.counts.frontFailures },
    };
  }

  states(): { running: number; frozen: number } {
    const alive = this.instances.filter((i) => i.state !== 'dead');
    return {
      running: alive.filter((i) => i.state !== 'frozen').length,
      frozen: alive.filter((i) => i.state === 'frozen').length,
    };
  }

  /** The last lines of the instances' output, for a failed run's report. */
  output(): string {
    return this.instances
      .filter((i) => i.output.trim())
      .slice(-5)
      .map((i) => `instance ${i.id}:\n${i.output.trim().split('\n').slice(-5).join('\n')}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const pending of this.queue.splice(0)) this.answer(pending.res, 503, 'platform stopped');
    const exits = this.instances
      .filter((i) => i.state !== 'dead')
      .map(
        (i) =>
          new Promise<void>((resolve) =>
            i.child.exitCode !== null ? resolve() : i.child.once('exit', () => resolve()),
          ),
      );
    for (const instance of this.instances) {
      if (instance.state !== 'dead') instance.child.kill('SIGKILL');
      instance.agent.destroy();
    }
    await Promise.all(exits);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private async accept(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.queue.push({ req, res, body: Buffer.concat(chunks), arrivedAt: Date.now() });
    this.dispatch();
  }

  private dispatch() {
    while (this.queue.length) {
      let best: Instance | undefined;
      for (const instance of this.instances) {
        if (instance.state === 'running' && (!best || instance.inFlight < best.inFlight)) best = instance;
      }
      if (!best) return;
      this.proxy(best, this.queue.shift()!);
    }
  }

  private proxy(instance: Instance, pending: Pending) {
    instance.inFlight++;
    const done = () => {
      instance.inFlight--;
      instance.lastDoneAt = Date.now();
      this.dispatch();
    };
    const upstream = request(
      {
        host: '127.0.0.1',
        port: instance.port,
        method: pending.req.method,
        path: pending.req.url,
        headers: pending.req.headers,
        agent: instance.agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          pending.res.writeHead(response.statusCode ?? 502, {
            'content-type': response.headers['content-type'] ?? 'application/json',
            'content-length': String(body.length),
            ...(response.headers['retry-after'] ? { 'retry-after': response.headers['retry-after'] } : {}),
          });
          pending.res.end(body);
          done();
        });
        response.on('error', (error) => {
          this.frontFailure('proxy_error');
          this.answer(pending.res, 502, `instance ${instance.id}: ${error.message}`);
          done();
        });
      },
    );
    upstream.on('error', (error) => {
      this.frontFailure('proxy_error');
      this.answer(pending.res, 502, `instance ${instance.id}: ${error.message}`);
      done();
    });
    upstream.end(pending.body);
  }

  private answer(res: ServerResponse, status: number, message: string) {
    if (res.headersSent) return res.end();
    const body = JSON.stringify({ error: { message, data: { httpStatus: status, from: 'front' } } });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  }

  private frontFailure(kind: string) {
    this.counts.frontFailures[kind] = (this.counts.frontFailures[kind] ?? 0) + 1;
  }

  /** The active set's size now: `minActive` at the start, all instances half a period later. */
  private target(now: number): number {
    const { instances, minActive, wavePeriodMs } = this.settings;
    const phase = (1 - Math.cos((2 * Math.PI * (now - this.began)) / wavePeriodMs)) / 2;
    return minActive + Math.round((instances - minActive) * phase);
  }

  private tick() {
    if (this.stopped) return;
    const now = Date.now();
    const { settleMs, reclaimAfterMs, holdMs, instances: limit } = this.settings;

    for (const pending of [...this.queue]) {
      if (now - pending.arrivedAt < QUEUE_TIMEOUT_MS) continue;
      this.queue.splice(this.queue.indexOf(pending), 1);
      this.frontFailure('front_timeout');
      this.answer(pending.res, 504, 'no instance became available');
    }

    const alive = () => this.instances.filter((i) => i.state !== 'dead');
    const serving = () => alive().filter((i) => i.state === 'starting' || i.state === 'running');
    let target = this.target(now);
    // Requests waiting and nothing on its way to serve them: one more, whatever the wave says.
    if (this.queue.length && !serving().length) target = Math.max(target, 1);

    while (serving().length < target) {
      const draining = alive().find((i) => i.state === 'draining');
      if (draining) {
        draining.state = 'running';
        continue;
      }
      const thawable = alive()
        .filter((i) => i.state === 'frozen' && now - i.frozenAt >= i.holdMs)
        .sort((a, b) => a.frozenAt - b.frozenAt)[0];
      if (thawable) {
        thawable.child.kill('SIGCONT');
        thawable.state = 'running';
        thawable.lastDoneAt = now;
        this.counts.thawed++;
        continue;
      }
      if (alive().length >= limit) break;
      if (alive().filter((i) => i.state === 'starting').length >= this.settings.maxStarting) break;
      this.spawn();
    }
    const surplus = serving().length - target;
    if (surplus > 0) {
      const running = alive()
        .filter((i) => i.state === 'running')
        .sort((a, b) => a.inFlight - b.inFlight);
      for (const instance of running.slice(0, surplus)) instance.state = 'draining';
    }

    for (const instance of alive()) {
      if (instance.state === 'draining' && instance.inFlight === 0 && now - instance.lastDoneAt >= settleMs) {
        instance.child.kill('SIGSTOP');
        instance.state = 'frozen';
        instance.frozenAt = now;
        instance.holdMs = holdMs[0] + Math.random() * (holdMs[1] - holdMs[0]);
        this.counts.frozen++;
      } else if (instance.state === 'frozen' && now - instance.frozenAt >= reclaimAfterMs) {
        this.retire(instance);
        instance.child.kill('SIGKILL');
        this.counts.reclaimed++;
      }
    }
    this.dispatch();
  }

  /** Moves a gone instance's failure counts into the totals. */
  private retire(instance: Instance) {
    if (instance.state === 'dead') return;
    instance.state = 'dead';
    for (const [kind, count] of Object.entries(instance.failures))
      this.counts.dbFailures[kind] = (this.counts.dbFailures[kind] ?? 0) + count;
    instance.failures = {};
    instance.agent.destroy();
  }

  private spawn() {
    const id = this.nextId++;
    const child = spawn(process.execPath, [this.settings.instanceFile], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: {
        ...process.env,
        ...this.settings.env,
        SERVERLESS_CLIENT: this.settings.client,
        // Its backends are recognisable in pg_stat_activity (directly; PgBouncer does not pass it on).
        DB_APPLICATION_NAME: `openhouse-fn-${id}`,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const instance: Instance = {
      id,
      child,
      state: 'starting',
      agent: new Agent({ keepAlive: true }),
      spawnedAt: Date.now(),
      inFlight: 0,
      lastDoneAt: Date.now(),
      frozenAt: 0,
      holdMs: 0,
      failures: {},
      output: '',
    };
    this.instances.push(instance);
    this.counts.started++;
    const keep = (chunk: Buffer) =>
      (instance.output = (instance.output + chunk.toString()).slice(-OUTPUT_LIMIT));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('message', (message: InstanceMessage) => {
      if (message.type === 'ready' && instance.state === 'starting') {
        instance.port = message.port;
        instance.state = 'running';
        instance.lastDoneAt = Date.now();
        this.counts.coldStartsMs.push(Date.now() - instance.spawnedAt);
        this.dispatch();
      } else if (message.type === 'failures' && instance.state !== 'dead') {
        const fresh = message.counts;
        // Say once per kind and instance what a request-visible failure was (idle ones are routine).
        for (const kind of Object.keys(fresh)) {
          if (kind === 'idle_client_error' || instance.failures[kind]) continue;
          const example = message.recent.find((failure) => failure.kind === kind);
          this.log(
            `instance ${id}: ${kind} on ${example?.route ?? '?'}${example?.sqlState ? ` (SQLSTATE ${example.sqlState})` : ''}`,
          );
        }
        instance.failures = fresh;
      }
    });
    child.on('exit', (code, signal) => {
      if (instance.state === 'dead' || this.stopped) return;
      if (instance.state === 'starting') {
        this.counts.startFailed++;
        this.frontFailure('cold_start_failed');
        const lastLine = errorLine(instance.output);
        this.log(`instance ${id} failed to start (exit ${code ?? signal}): ${lastLine}`);
        // The request that was waiting longest for it is answered as a platform would.
        const pending = this.queue.shift();
        if (pending) this.answer(pending.res, 502, `instance failed to start: ${lastLine.slice(0, 200)}`);
      } else {
        this.counts.crashed++;
        this.log(
          `instance ${id} exited (${code ?? signal}) while ${instance.state}: ${errorLine(instance.output)}`,
        );
        if (process.env.SERVERLESS_DEBUG) this.log(instance.output);
      }
      this.retire(instance);
    });
  }
}

/** The line of an instance's output that says what went wrong, else its last line. */
function errorLine(output: string): string {
  const lines = output.trim().split('\n');
  const said = (pattern: RegExp) => lines.find((line) => pattern.test(line.trim()));
  return (said(/^(?:\w*Error|error|Invalid \w+):/) ?? said(/error|refus/i) ?? lines.at(-1) ?? '').trim();
}

/**
 * Samples Postgres' connections every ~100 ms on one admin connection, with the platform's
 * instance states, until stopped.
 */
export class ConnectionSampler {
  readonly samples: PlatformSample[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly adminUrl: string,
    private readonly appRole: string,
    private readonly platform: ServerlessPlatform,
  ) {}

  start() {
    const began = Date.now();
    this.loop = withAdminClient(this.adminUrl, async (client) => {
      while (!this.stopped) {
        const { rows } = await client.query<{ app: number; clients: number }>(
          `select count(*) filter (where usename = $1)::int as app,
                  count(*) filter (where backend_type = 'client backend')::int as clients
             from pg_stat_activity`,
          [this.appRole],
        );
        this.samples.push({
          t: Date.now() - began,
          ...this.platform.states(),
          appConnections: rows[0]!.app,
          clientBackends: rows[0]!.clients,
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
