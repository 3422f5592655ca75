import { closedLoop, type Cell } from '../measure';
import { NOTICE_LIMIT, type BenchHomeowner, type ExpectedRows, type NoticeRow } from '../workload';

export type WayKey = 'a' | 'b' | 'c' | 'd' | 'e';

/** One way of doing the read, measured cell by cell. */
export interface Way {
  key: WayKey;
  /** Short name for the table. */
  name: string;
  /** What it does, round trips included, for the report. */
  description: string;
  /** Why it must not serve requests, when it must not. */
  unsafe?: string;
  /** Throws unless it returns each homeowner's right 20 rows. Runs before anything is timed. */
  verify(): Promise<void>;
  /** Warms up for `warmupSeconds` (not measured), then measures for `seconds`. */
  measure(concurrency: number, seconds: number, warmupSeconds: number): Promise<Cell>;
  close(): Promise<void>;
}

export interface NodeWaySpec {
  key: WayKey;
  name: string;
  description: string;
  unsafe?: string;
  /** One request: the homeowner's 20 newest notices. */
  read(homeowner: BenchHomeowner): Promise<NoticeRow[]>;
  close(): Promise<void>;
}

/**
 * A way that runs in this process: verified by calling `read` for every homeowner, measured by a
 * closed loop in which caller i's n-th request reads as homeowner (i + n) mod k — identities
 * rotate on every connection, as they do in production. Every timed answer is spot-checked too
 * (row count and newest row), so a way that mixes identities under concurrency fails loudly.
 */
export function nodeWay(spec: NodeWaySpec, homeowners: BenchHomeowner[], expected: ExpectedRows): Way {
  const newestIds = homeowners.map((homeowner) => expected.ids(homeowner)[0]);
  const readAs = async (caller: number, iteration: number) => {
    const index = (caller + iteration) % homeowners.length;
    const rows = await spec.read(homeowners[index]!);
    if (rows.length !== NOTICE_LIMIT || rows[0]?.id !== newestIds[index]) {
      expected.check(spec.key, homeowners[index]!, rows); // throws with the details
    }
  };
  return {
    key: spec.key,
    name: spec.name,
    description: spec.description,
    unsafe: spec.unsafe,
    async verify() {
      for (const homeowner of homeowners) expected.check(spec.key, homeowner, await spec.read(homeowner));
    },
    async measure(concurrency, seconds, warmupSeconds) {
      if (warmupSeconds > 0) await closedLoop(concurrency, warmupSeconds, readAs);
      return closedLoop(concurrency, seconds, readAs);
    },
    close: spec.close,
  };
}
