import type { LoadHomeowner } from './homeowners';

/**
 * What a load suite is: per connection a small state machine (one homeowner's session) that says
 * which tRPC call comes next and checks each answer's shape, not only its status.
 */

export interface TrpcCall<State> {
  /** Procedure path, e.g. `chat.send`; also the label in the report. */
  procedure: string;
  kind: 'query' | 'mutation';
  input: unknown;
  /**
   * Checks `data` (the `result.data` of a 200) and advances `state`. Returns a description of
   * what is wrong with the shape, or nothing when it is right.
   */
  check(data: unknown, state: State): string | undefined;
}

export interface ConnectionInfo {
  homeowner: LoadHomeowner;
  /** 0-based index of the autocannon connection. */
  index: number;
  /** True for the first connection of this homeowner; later ones share the homeowner's data. */
  firstForHomeowner: boolean;
}

export interface LoadSuite<State> {
  name: string;
  /** One line for the report: the mix of calls. */
  mix: string;
  /** Runs before the suite (e.g. reset onboarding), with the run's database. */
  prepare?(adminUrl: string): Promise<void>;
  newState(connection: ConnectionInfo): State;
  nextCall(state: State): TrpcCall<State>;
}

/** The HTTP request autocannon sends for one tRPC call (plain JSON, no transformer). */
export function httpRequestFor(call: TrpcCall<unknown>, token: string) {
  const authorization = `Bearer ${token}`;
  if (call.kind === 'query') {
    return {
      method: 'GET' as const,
      path: `/api/trpc/${call.procedure}?input=${encodeURIComponent(JSON.stringify(call.input))}`,
      headers: { authorization },
      body: undefined,
    };
  }
  return {
    method: 'POST' as const,
    path: `/api/trpc/${call.procedure}`,
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(call.input),
  };
}

// Small shape helpers, so each suite's checks read as what they expect.
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
export const isIsoDate = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
