import { isObject, type LoadSuite, type TrpcCall } from './suite';

/** The browse suite (`pnpm load --profile noisy`): the reads of a page load, in turn. */

type BrowseState = { step: number };

function listShape(data: unknown, state: BrowseState): string | undefined {
  state.step++;
  return isObject(data) && Array.isArray(data.items) ? undefined : 'a list page has no items array';
}

const PAGES: TrpcCall<BrowseState>[] = [
  { procedure: 'noticeboard.list', kind: 'query', input: { limit: 20 }, check: listShape },
  { procedure: 'documents.list', kind: 'query', input: { limit: 20 }, check: listShape },
  { procedure: 'chat.threads', kind: 'query', input: { limit: 20 }, check: listShape },
];

/** A page load's reads in turn: noticeboard, documents, chat threads. */
export const browseSuite: LoadSuite<BrowseState> = {
  name: 'browse',
  mix: 'noticeboard.list, documents.list, chat.threads in turn',
  newState: () => ({ step: 0 }),
  nextCall: (state) => PAGES[state.step % PAGES.length]!,
};
