import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

/**
 * A real HTTP endpoint that accepts Sentry envelopes (`POST /api/<project>/envelope/`), so tests
 * can assert on exactly what the SDK sent. The DSN points the SDK here; nothing leaves the machine.
 */

export interface SentryEvent {
  event_id: string;
  level?: string;
  transaction?: string;
  fingerprint?: string[];
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown>>;
  exception?: { values: { type: string; value: string }[] };
}

/** A transaction as the SDK sends it: the root span in `contexts.trace`, the rest in `spans`. */
export interface SentryTransaction {
  event_id: string;
  type: 'transaction';
  transaction: string;
  start_timestamp: number;
  timestamp: number;
  contexts: { trace: { op?: string; span_id: string; trace_id: string; status?: string } };
  spans: SentrySpan[];
}

export interface SentrySpan {
  op?: string;
  description?: string;
  span_id: string;
  parent_span_id?: string;
  start_timestamp: number;
  timestamp: number;
  status?: string;
  data?: Record<string, unknown>;
}

export interface SentryReceiver {
  dsn: string;
  events: SentryEvent[];
  /** Transactions (tracing), kept apart from error events. */
  transactions: SentryTransaction[];
  /** Resolves when `count` events have arrived (or rejects after `timeoutMs`). */
  waitForEvents(count: number, timeoutMs?: number): Promise<SentryEvent[]>;
  clear(): void;
  close(): Promise<void>;
}

export async function startSentryReceiver(): Promise<SentryReceiver> {
  const events: SentryEvent[] = [];
  const transactions: SentryTransaction[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      // An envelope: a header line, then (item header, item payload) line pairs.
      const lines = body.toString('utf8').split('\n').filter(Boolean);
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const itemHeader = JSON.parse(lines[i]!) as { type: string };
        if (itemHeader.type === 'event') events.push(JSON.parse(lines[i + 1]!) as SentryEvent);
        if (itemHeader.type === 'transaction') {
          transactions.push(JSON.parse(lines[i + 1]!) as SentryTransaction);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    events,
    transactions,
    async waitForEvents(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} Sentry events, received ${events.length}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return events;
    },
    clear: () => void (events.splice(0), transactions.splice(0)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
