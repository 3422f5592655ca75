import { analyticsRouter } from './routers/analytics';
import { documentsRouter } from './routers/documents';
import { noticeboardRouter } from './routers/noticeboard';
import { router } from './trpc';

export const appRouter = router({
  noticeboard: noticeboardRouter,
  documents: documentsRouter,
  analytics: analyticsRouter,
});

export type AppRouter = typeof appRouter;
