export { BarList, TimeSeriesChart } from './charts';
export type { Series } from './charts';
export { ChatThreadList, ChatThreadView, MAX_MESSAGE_CHARS, NewThreadForm } from './chat';
export { AppShell, Card, Empty, ErrorState, Loading, formatDate } from './components';
export { DocumentView, DocumentsView, NoticeboardView, SignInView } from './views';
export { PageView, useTrack } from './track';
