export { BarList, TimeSeriesChart } from './charts';
export type { Series } from './charts';
export { AppShell, Card, Empty, ErrorState, Loading, formatDate } from './components';
export { DocumentView, DocumentsView, NoticeboardView, SignInView } from './views';
