export { BarList, TimeChart } from './charts';
export type { TimeSeries } from './charts';
export { ChatThreadList, ChatThreadView, ContactPreference, MAX_MESSAGE_CHARS, NewThreadForm } from './chat';
export {
  AppShell,
  Card,
  DateText,
  Empty,
  ErrorState,
  Loading,
  formatDate,
  formatDateTime,
  formatNumber,
} from './components';
export type { NavItem } from './components';
export { errorText, humanError, sentence } from './errors';
export type { ErrorCopy, HumanError } from './errors';
export { Field, FormProblem, useFocusOnError, useHumanError } from './forms';
export { categoryLabel, CONTACT_CHANNELS, eventLabel, KNOWN_CATEGORIES } from './labels';
export { FilterField, ListToolbar, Pager, useDevelopmentFilter, usePageParams } from './lists';
export type { FilterSelect } from './lists';
export { SessionProvider, useSession } from './session-context';
export type { ClientSession } from './session-context';
export { PageView, useTrack } from './track';
export { useUrlState } from './url-state';
export {
  audienceText,
  DocumentView,
  DocumentsView,
  NoticeboardView,
  SignedOutView,
  SignInView,
  WrongPortalView,
} from './views';
export type { Viewer } from './views';
