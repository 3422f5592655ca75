import autocannon from 'autocannon';

import type { LoadHomeowner } from './homeowners';
import { httpRequestFor, type LoadSuite, type TrpcCall } from './suite';

/**
 * Runs one suite with autocannon: `connections` keep-alive connections, each its own homeowner
 * (round-robin over every seeded homeowner), each request built by the suite's state machine and
 * each answer checked. Records every response's latency with its time for the charts.
 */

export interface DriveResult {
  requests: number;
  durationSeconds: number;
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  shapeErrors: number;
  /** The first few distinct failures, for the report: status and body, or the shape problem. */
  failureSamples: string[];
  byProcedure: Record<string, number>;
  /** [ms since start, latency ms] for every response. */
  responses: [number, number][];
  /** [ms since start, 2xx] for every response and connection error: failures over time (chaos). */
  outcomes: [number, boolean][];
}

interface ConnectionContext {
  state?: unknown;
  token?: string;
  pending?: TrpcCall<unknown>;
}

const MAX_FAILURE_SAMPLES = 10;
/**
 * autocannon clears a connection's context each time it wraps around its list of requests, and
 * the context is where a connection keeps its homeowner and session. So the list is one request
 * repeated (the same object; the array is shared, not copied per connection) this many times —
 * far more than one connection sends in a run; if it ever wrapped, the connection would simply
 * start a new session as another homeowner.
 */
const REQUESTS_PER_SESSION = 20_000;
/** A request without an answer after this is a timeout (autocannon's own default is 10 s). */
const REQUEST_TIMEOUT_SECONDS = 30;

export async function driveSuite<State>(options: {
  /** Called once autocannon has started, with the time it started (for fault injection). */
  onStart?: (startedAt: number) => void;
  suite: LoadSuite<State>;
  urls: string[];
  homeowners: LoadHomeowner[];
  connections: number;
  seconds: number;
  progressBar: boolean;
}): Promise<DriveResult> {
  const { suite, homeowners } = options;
  const failures = new Set<string>();
  const noteFailure = (text: string) => {
    if (failures.size < MAX_FAILURE_SAMPLES) failures.add(text);
  };
  let shapeErrors = 0;
  let connectionsSeen = 0;
  const byProcedure: Record<string, number> = {};
  const responses: [number, number][] = [];
  const outcomes: [number, boolean][] = [];
  let startedAt = Date.now();

  const sessionRequest: autocannon.Request = {
    setupRequest(request, rawContext) {
      const context = rawContext as ConnectionContext;
      if (!context.state) {
        // First request of this connection: it becomes one homeowner's session.
        const index = connectionsSeen++;
        const homeowner = homeowners[index % homeowners.length]!;
        context.token = homeowner.token;
        context.state = suite.newState({
          homeowner,
          index,
          firstForHomeowner: index < homeowners.length,
        });
      }
      const call = suite.nextCall(context.state as State) as TrpcCall<unknown>;
      context.pending = call;
      byProcedure[call.procedure] = (byProcedure[call.procedure] ?? 0) + 1;
      return { ...request, ...httpRequestFor(call, context.token!) };
    },
    onResponse(status, body, rawContext) {
      const context = rawContext as ConnectionContext;
      const call = context.pending;
      if (!call) return;
      if (status !== 200) {
        noteFailure(`${call.procedure} → ${status}: ${body.slice(0, 200)}`);
        return;
      }
      let problem: string | undefined;
      try {
        const parsed = JSON.parse(body) as { result?: { data?: unknown } };
        problem = call.check(parsed.result?.data, context.state);
      } catch {
        problem = `${call.procedure}: the body is not JSON`;
      }
      if (problem) {
        shapeErrors += 1;
        noteFailure(problem);
      }
    },
  };

  let finish: (error: unknown, result: autocannon.Result) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error as Error) : resolve(result));
  });
  // With a callback autocannon returns the instance (an event emitter) rather than a promise.
  const instance = autocannon(
    {
      // Several portals: autocannon spreads the connections over the URLs round-robin (its type
      // declaration only admits one).
      url: (options.urls.length === 1 ? options.urls[0]! : options.urls) as string,
      connections: options.connections,
      duration: options.seconds,
      timeout: REQUEST_TIMEOUT_SECONDS,
      requests: Array.from({ length: REQUESTS_PER_SESSION }, () => sessionRequest),
    },
    (error, result) => finish(error, result),
  );
  instance.on('start', () => {
    startedAt = Date.now();
    options.onStart?.(startedAt);
  });
  // autocannon emits (client, status, bytes, latency); its type declaration omits the client.
  (instance as unknown as NodeJS.EventEmitter).on(
    'response',
    (_client: unknown, status: number, _bytes: number, latency: number) => {
      const t = Date.now() - startedAt;
      responses.push([t, latency]);
      outcomes.push([t, status >= 200 && status < 300]);
    },
  );
  instance.on('reqError', (error: Error) => {
    outcomes.push([Date.now() - startedAt, false]);
    noteFailure(`connection error: ${error.message}`);
  });
  autocannon.track(instance, {
    renderProgressBar: options.progressBar,
    renderResultsTable: false,
    renderLatencyTable: false,
  });
  const result = await finished;

  return {
    requests: result.requests.total,
    durationSeconds: result.duration,
    non2xx: result.non2xx,
    // autocannon counts timeouts among its errors; the report keeps them apart.
    connectionErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    shapeErrors,
    failureSamples: [...failures],
    byProcedure,
    responses,
    outcomes,
  };
}
