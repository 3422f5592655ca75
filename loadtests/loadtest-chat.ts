import { isIsoDate, isObject, isUuid, type LoadSuite, type TrpcCall } from './suite';

/**
 * Support chat as a homeowner uses it: open a thread, then read the thread twice for every
 * message sent (`chat.history` marks it read; `chat.send` appends and bumps the thread).
 */

interface ChatState {
  threadId?: string;
  sent: number;
  step: number;
  /** The body of the last message sent, which the next history read must contain. */
  lastBody?: string;
  label: string;
}

const HISTORY_LIMIT = 20;

function send(state: ChatState): TrpcCall<ChatState> {
  const body = `Load test message ${state.sent + 1} from ${state.label}`;
  return {
    procedure: 'chat.send',
    kind: 'mutation',
    input: state.threadId
      ? { threadId: state.threadId, body }
      : { subject: `Load test ${state.label}`, body },
    check(data, current) {
      if (!isObject(data) || !isUuid(data.threadId)) return 'chat.send: no threadId';
      if (current.threadId && data.threadId !== current.threadId) return 'chat.send: answered another thread';
      const message = data.message;
      if (
        !isObject(message) ||
        !isUuid(message.id) ||
        message.body !== body ||
        !isIsoDate(message.createdAt)
      ) {
        return 'chat.send: message missing or not the one sent';
      }
      current.threadId = data.threadId;
      current.sent += 1;
      current.lastBody = body;
      return undefined;
    },
  };
}

function history(state: ChatState): TrpcCall<ChatState> {
  const threadId = state.threadId!;
  return {
    procedure: 'chat.history',
    kind: 'query',
    input: { threadId, limit: HISTORY_LIMIT },
    check(data, current) {
      if (!isObject(data) || !isObject(data.thread) || data.thread.id !== threadId) {
        return 'chat.history: not the requested thread';
      }
      if (!Array.isArray(data.items) || data.items.length === 0 || data.items.length > HISTORY_LIMIT) {
        return 'chat.history: items missing or out of bounds';
      }
      const items = data.items as Record<string, unknown>[];
      if (!items.every((item) => isUuid(item.id) && typeof item.body === 'string')) {
        return 'chat.history: malformed message';
      }
      // Only this connection writes to its thread, so its last message must be visible.
      if (current.lastBody && !items.some((item) => item.body === current.lastBody)) {
        return 'chat.history: the last message sent is missing';
      }
      return undefined;
    },
  };
}

export const chatSuite: LoadSuite<ChatState> = {
  name: 'chat',
  mix: 'chat.send 1 : chat.history 2 (each connection its own thread)',
  newState: ({ homeowner, index }) => ({ sent: 0, step: 0, label: `${homeowner.user.email} #${index}` }),
  nextCall(state) {
    const call = !state.threadId || state.step % 3 === 0 ? send(state) : history(state);
    state.step += 1;
    return call;
  },
};
