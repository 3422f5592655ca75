import net from 'node:net';

/**
 * A TCP proxy in front of Postgres that can break a connection at one exact point of the wire
 * protocol: right after the client's COMMIT has reached the server, before the server's answer
 * to it reaches the client (the server commits on its own; the client only sees its connection
 * drop), or instead of sending a given statement (the server rolls the transaction back). Real
 * sockets, a real server: the faults a network or a crashed pooler causes.
 */

export type CommitFault =
  /** Forward COMMIT, pass every answer before COMMIT's own, then drop the connection. */
  | 'drop-commit-answer'
  /** Forward COMMIT, then drop the connection before any answer of that write comes back. */
  | 'drop-all-answers';

type Fault = CommitFault | 'drop-before-sending';

export interface FaultProxy {
  /** `postgres://` URL of the proxy, with the user and database of the target URL. */
  url: string;
  /** Breaks the next connection that sends COMMIT, as `fault` says; resolves once it has. */
  armCommitFault(fault: CommitFault): Promise<void>;
  /** Breaks the next connection that sends `text`, instead of sending it; resolves once it has. */
  armStatementFault(text: string): Promise<void>;
  close(): Promise<void>;
}

// A simple-protocol query message for COMMIT: 'Q', int32 length, "commit\0".
const COMMIT_QUERY = Buffer.from('commit\0');
// The server's CommandComplete for it: 'C', int32 length, "COMMIT\0".
const COMMIT_COMPLETE = Buffer.from('COMMIT\0');

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let armed: { fault: Fault; trigger: Buffer; done: () => void } | undefined;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const breakBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());

    let faulting: typeof armed;
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk.includes(armed.trigger)) {
        faulting = armed;
        armed = undefined;
        if (faulting.fault === 'drop-before-sending') {
          breakBoth();
          faulting.done();
          return;
        }
      }
      upstream.write(chunk);
    });
    let answered = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      if (!faulting) {
        client.write(chunk);
        return;
      }
      if (faulting.fault === 'drop-all-answers') {
        breakBoth();
        faulting.done();
        return;
      }
      // Pass what comes before COMMIT's CommandComplete; drop it and all after.
      answered = Buffer.concat([answered, chunk]);
      const at = answered.indexOf(COMMIT_COMPLETE);
      if (at < 0) return;
      const messageStart = at - 5; // type byte and length before the tag
      client.write(answered.subarray(0, messageStart), () => {
        breakBoth();
        faulting!.done();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    armCommitFault: (fault) => new Promise<void>((done) => (armed = { fault, trigger: COMMIT_QUERY, done })),
    armStatementFault: (text) =>
      new Promise<void>(
        (done) => (armed = { fault: 'drop-before-sending', trigger: Buffer.from(text), done }),
      ),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
